using Akka.Actor;
using Akka.TestKit.Xunit2;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Cluster;

public sealed class DcSimSerializerSpec() : TestKit(DcSimSerialization.Binding)
{
    internal static readonly SimEvent SampleEvent = new()
    {
        Time = 123_456_789, Order = SimEvent.MakeOrder(17, 99), Lp = 42, Kind = EventKind.Packet, Component = 2, Port = 3, Token = -7,
        Packet = new Packet
        {
            FlowId = FlowIds.Make(5, 2, 77), CreatedAt = 1000, SourceEndpoint = 5, DestinationEndpoint = 9,
            Headers = new PacketHeaders
            {
                SourceMac = 0x0200_0000_0005, DestinationMac = 0x0200_0000_0009, SourceIp = 0x0A00_0005, DestinationIp = 0x0A00_0009,
                SourcePort = 5002, DestinationPort = 1029, Protocol = PacketHeaders.Udp,
            },
            PayloadBytes = 1400, FlowHash = 0xDEADBEEF, Sequence = 12, App = new AppData { Kind = 2, EndOfMessage = true, Stamp = 500 },
        },
    };

    public static TheoryData<IDcSimMessage> Messages() => new()
    {
        new StartExperiment("duration = 1ms", "/tmp", 3),
        new InitPartition(4, 1, 3, "seed = 2", "/x", [0, 1, 2, 0, 300]),
        new PartitionReady(4, 2, 99, "akka.tcp://dcsim@127.0.0.1:1234", "127.0.0.1:40123"),
        new PartitionReady(4, 2, 99, "akka.tcp://dcsim@127.0.0.1:1234"),
        new ReleaseStretch(4, 7, 100, 200, false, long.MaxValue, 900, long.MaxValue, 50, [long.MaxValue, 100, 300, long.MaxValue], 1000, 500),
        new ReleaseStretch(5, 8, 200, 300, true, 250, 250, 3_000_000, 200, [100], 1000, 500),
        new PeerWindow(4, 1, 7, 250, 300, true, 12345, 2, [SampleEvent], [new ParcelPiece(3, 77, 0, 1, [1, 2])]),
        new PeerWindow(4, 0, 8, long.MaxValue, long.MaxValue, false, 0, 0, [], []),
        new ParkStretch(4, 7),
        new StretchProgressed(4, 9, 300, 777),
        new StretchParked(4, 2, 9, 300, 400, 410, 300, 888),
        new FinishRun(4, 1000),
        new RunProgress(10, 20, 30, 40),
        new RunProgress(0, 20, 0, 0, new RunRestart("akka.tcp://dcsim@127.0.0.1:1234", "was disconnected", [0, 2], 15, RecoveryPoint.Start, 1, 3)),
        new ExperimentFailed("boom"),
        new ExperimentFailed("partition 2: broken invariant", 7),
        new QueryServers(17),
        new QueryServers(18, new ListingQuery("host0/vswitch", 1000, 7_000_000)),
        new StartExperiment("duration = 1ms", "/tmp", 2, new RecoveryPoint(41, 5_000, [[1, 2, 3], []])),
        new InitPartition(5, 1, 2, "seed = 2", "/x", [], 3),
        new CheckpointPart(5, 1, 8, 200, 2, 3, [9, 8, 7]),
        new CheckpointTaken(new RecoveryPoint(7, 200, [[4], [5, 6]]), 1234),
        new CheckpointTaken(new RecoveryPoint(7, 200), 99),
        new RestoreWanted(5, 1),
        new CheckpointFailed(5, 0, 8, "a System.IO.MemoryStream cannot be checkpointed"),
        new EventBatch(4, 2, 9, [SampleEvent], [new ParcelPiece(3, 77, 1, 2, [1, 2, 3]), new ParcelPiece(5, -1, 0, 1, [])]),
        new EventBatch(4, 2, 9, [], [new ParcelPiece(0, long.MaxValue, 0, 1, [255])]),
        new PauseRun(11),
        new ResumeRun(12),
        new StopRun(long.MaxValue),
        new ExperimentCompleted([1, 2, 3], 3935, 1_000_000, [new PartitionStats(0, "akka.tcp://dcsim@127.0.0.1:1234", 99, 10, 20, new ProcessMemory(5_000_000, 3, 1_200)),
            new PartitionStats(1, "akka.tcp://dcsim@127.0.0.1:1235", 98, 11, 21)], 400, 900),
        new RunControlled(12, false, "idle", "no experiment is running"),
        new ExperimentStopped(5_000, 12),
        new AbandonRun(6, 2),
        new RunPlaced(["akka.tcp://dcsim@127.0.0.1:1234", "akka.tcp://dcsim@127.0.0.1:1235"]),
        new RunUntil(13, 7_000_000_000),
        new RunHeld(7_000_000_000, 7_000, 123_456),
        new ApplyDirective(3, "ping", ["host0", "host3/kvm-0", "count", "5"]),
        new ApplyDirective(4, "noop", []),
        new DirectiveApplied(3, true, 7_000_000_000, "", ["host0/shell/ping-3"]),
        new DirectiveApplied(9, false, -1, "the run is not held at a barrier: pause it or run until a time first", []),
        new PartitionDirective(6, 3, 7_000_000_000, "iperf", ["host0", "host1", "duration", "10ms"]),
        new DirectiveOutcome(6, 3, 1, true, true, "", ["host0/shell/iperf-3", "host1/x"], 7_000_000_000),
        new DirectiveOutcome(6, 3, 0, false, false, "", [], long.MaxValue),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_protocol_message_must_use_the_DcSim_serializer_and_round_trip(IDcSimMessage message)
    {
        var serialization = Sys.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<DcSimSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var back = serialization.Deserialize(bytes, serializer.Identifier, ((DcSimSerializer)serializer).Manifest(message));
        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void Event_batches_must_round_trip_every_field_as_the_events_own_136_bytes_after_their_size_and_4_for_no_parcels()
    {
        var segment = SampleEvent.Packet;
        segment.Headers.Protocol = PacketHeaders.Tcp;
        segment.Headers.Ecn = EcnCodepoint.Ce;
        segment.Headers.TcpFlags = TcpFlags.Ack | TcpFlags.Ece;
        segment.Headers.SackBlocks = 2;
        segment.Tcp = new TcpSegment { Seq = 4_000_000_000, Ack = 77, Window = 1 << 22 };
        segment.Tcp.SetSackBlock(1, 1_000, 2_448);
        var batch = new EventBatch(4, 2, 9, [SampleEvent, SampleEvent with { Time = 1, Packet = segment }], []);
        var serializer = (DcSimSerializer)Sys.Serialization.FindSerializerFor(batch);
        var bytes = serializer.ToBinary(batch);
        var back = (EventBatch)serializer.FromBinary(bytes, serializer.Manifest(batch));
        Assert.Equal(batch.Events, back.Events);
        Assert.Equal(2, back.From);
        Assert.Equal(9, back.Window);
        Assert.Equal(8 + 4 + 8 + 4 + 4 + 2 * 136 + 4, bytes.Length);
    }

    [Fact]
    public void Directories_must_carry_actor_references_that_resolve_back_and_data_endpoints()
    {
        var probe = CreateTestProbe();
        var directory = new PartitionDirectory([probe.Ref, TestActor], ["127.0.0.1:40123", ""]);
        var serializer = (DcSimSerializer)Sys.Serialization.FindSerializerFor(directory);
        var back = (PartitionDirectory)serializer.FromBinary(serializer.ToBinary(directory), serializer.Manifest(directory));
        Assert.Equal(directory.Partitions, back.Partitions);
        Assert.Equal(directory.DataEndpoints, back.DataEndpoints);
    }

    [Fact]
    public void Reports_must_carry_results_that_decode_to_the_same_bytes()
    {
        var results = new ResultsBuilder();
        var flow = results.Flow(FlowIds.Make(1, 0, 0));
        flow.SentPackets = 10;
        flow.LatencyOrCreate().Record(5_000_000);
        flow.DropsAt["leaf0->spine1"] = 2;
        var encoded = ResultsCodec.Encode(results);
        var report = new PartitionReport(4, 0, encoded, 10, 20, 30, new ProcessMemory(123_456_789_012, 7, 8_000));
        var serializer = (DcSimSerializer)Sys.Serialization.FindSerializerFor(report);
        var back = (PartitionReport)serializer.FromBinary(serializer.ToBinary(report), serializer.Manifest(report));
        Assert.Equal((10L, 20L, 30L, new ProcessMemory(123_456_789_012, 7, 8_000)), (back.EventsProcessed, back.BusyMicroseconds, back.WallMicroseconds, back.Memory));
        Assert.Equal(encoded, back.Results);
        Assert.Equal(encoded, ResultsCodec.Encode(ResultsCodec.Decode(back.Results)));
    }

    [Fact]
    public void Server_snapshots_must_round_trip()
    {
        var results = new ResultsBuilder();
        var counters = results.Counters("host1/vswitch", "vswitch");
        counters["packets"] = 10;
        counters["upcalls_handled"] = long.MaxValue;
        results.List("host1/vswitch", "datapath_flows", new Listing(1_000, 2, ["recirc_id(0),in_port(1),eth_type(0x0806), packets:0, bytes:0, used:never, actions:2"]));
        var snapshot = new ServersSnapshot(3, 1_000, ResultsCodec.Encode(results));
        var serializer = (DcSimSerializer)Sys.Serialization.FindSerializerFor(snapshot);
        var back = (ServersSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot));
        Assert.Equal(3, back.QueryId);
        Assert.Equal(1_000, back.SimulatedTime);
        var decoded = ResultsCodec.Decode(back.Results).Components["host1/vswitch"];
        Assert.Equal("vswitch", decoded.Kind);
        Assert.Equal(counters.Values, decoded.Values);
        Assert.Equal(results.Listings["host1/vswitch"]["datapath_flows"].Lines, ResultsCodec.Decode(back.Results).Listings["host1/vswitch"]["datapath_flows"].Lines);
    }

    internal static string Describe(object m) => m switch
    {
        PeerWindow w => $"PW {w.Run} {w.From} {w.Window} {w.NextEventTime} {w.Held} {w.Park} {w.EventsProcessed} {w.Batches} "
                        + Describe(new EventBatch(w.Run, w.From, w.Window, w.Events, w.Parcels)),
        RunProgress { Restart: { } r } p => $"{p with { Restart = null }} {r with { Partitions = [] }} {string.Join(",", r.Partitions)}",
        StartExperiment { From: { } from } x => $"{x with { From = null }} {Describe(from)}",
        CheckpointTaken c => $"CT {c.WallMicroseconds} {Describe(c.Point)}",
        CheckpointPart c => $"{c with { Bytes = [] }} {string.Join(",", c.Bytes)}",
        ReleaseStretch s => $"{s with { Latency = [] }} {string.Join(",", s.Latency)}",
        EventBatch b => $"EB {b.Run} {b.From} {b.Window} {string.Join(",", b.Events.Select(e => e.Time))} "
                        + string.Join("|", b.Parcels.Select(p => $"{p.Lp} {p.Key} {p.Piece}/{p.Pieces} {Convert.ToHexString(p.Bytes)}")),
        RecoveryPoint p => $"{p.Window} {p.SimulatedTime} {(p.Partitions is null ? "none" : string.Join("|", p.Partitions.Select(b => string.Join(",", b))))}",
        RunPlaced p => $"PL {string.Join("|", p.Addresses)}",
        ExperimentCompleted c => $"{c with { Results = [], Partitions = [] }} {string.Join(",", c.Results)} {string.Join("|", c.Partitions.Select(p => p.ToString()))}",
        ApplyDirective d => $"{d with { Arguments = [] }} {string.Join("|", d.Arguments)}",
        DirectiveApplied d => $"{d with { Entities = [] }} {string.Join("|", d.Entities)}",
        PartitionDirective d => $"{d with { Arguments = [] }} {string.Join("|", d.Arguments)}",
        DirectiveOutcome d => $"{d with { Entities = [] }} {string.Join("|", d.Entities)}",
        _ => m.ToString()!,
    };
}
