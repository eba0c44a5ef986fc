using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests;

/// <summary>A switch forwards by its route function, store and forward, one output queue per port.</summary>
public sealed class FabricSwitchSpec
{
    /// <summary>Switch 2's forwarding over servers 0 and 1 (endpoints 0 and 1 at the start), on its ports 0 and 1.</summary>
    private static readonly SwitchForwarding OwnPorts = new([new(0, 0), new(0, 1)], [new(0, 0), new(0, 1)], [[]], self: 0, switchLp: 2);

    /// <summary>Ports 0 and 1 of <paramref name="sw"/>, to end0 and end1 (their port 0): 40 Gb/s, 1 µs, 100 packets.</summary>
    private static void AddPortsToEndpoints(FabricSwitch sw)
    {
        var profile = new PortProfile(new DataRate(40_000_000_000), SimTime.Microsecond, new QueueLimit(QueueLimitUnit.Packets, 100), 0,
            FabricSwitch.TransmitDoneTimer, 0, ["end0", "end1"]);
        sw.AddPort(profile, (0, 0));
        sw.AddPort(profile, (1, 0));
    }

    private sealed class Endpoint(int id, ushort arrivalPort = 9) : LogicalProcess(id, $"end{id}")
    {
        public List<(long Time, Packet Packet)> Received { get; } = [];
        public List<Packet> ToSend { get; } = [];
        public override void Start() { if (ToSend.Count > 0) ScheduleTimer(0, 0, 0); }
        public override void Handle(ref SimEvent e)
        {
            if (e.Kind == EventKind.Packet) Received.Add((e.Time, e.Packet));
            else foreach (var p in ToSend) SendPacket(2, 0, 0, arrivalPort, in p);
        }
        public override void Report(ResultsBuilder results, long endTime) { }
    }

    [Fact]
    public void Switch_must_forward_each_frame_to_the_port_its_destination_maps_to()
    {
        // arrange: endpoints 0 and 1 live on servers 0 and 1, which hang off ports 0 and 1 of switch 2
        var partition = new Partition(0, 1, [0, 0, 0]);
        var a = new Endpoint(0);
        var b = new Endpoint(1);
        var sw = new FabricSwitch(2, "sw", OwnPorts);
        AddPortsToEndpoints(sw);
        a.ToSend.AddRange([new Packet { DestinationEndpoint = 1, PayloadBytes = 1000, Sequence = 0 }, new Packet { DestinationEndpoint = 1, PayloadBytes = 1000, Sequence = 1 },
            new Packet { DestinationEndpoint = 0, PayloadBytes = 1000, Sequence = 2 }]);
        foreach (var lp in new LogicalProcess[] { a, b, sw }) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert: two frames to port 1 back to back, one to port 0 in parallel
        const long tx = 1066 * 8 * 25;
        Assert.Equal([(tx + SimTime.Microsecond, 0), (2 * tx + SimTime.Microsecond, 1)], b.Received.Select(r => (r.Time, r.Packet.Sequence)));
        Assert.Equal([(tx + SimTime.Microsecond, 2)], a.Received.Select(r => (r.Time, r.Packet.Sequence)));
        Assert.Equal(2, sw.Ports[1].Stats.TxPackets);
        Assert.Equal(1, sw.Ports[1].Stats.QueueMaxPackets);
    }

    [Fact]
    public void A_switch_port_must_be_among_the_partition_ports_for_names_captures_and_snapshots()
    {
        // arrange: two frames from end0 through the switch to end1, the switch's port to end1 captured
        var partition = new Partition(0, 1, [0, 0, 0]);
        var a = new Endpoint(0);
        var sw = new FabricSwitch(2, "sw", OwnPorts);
        AddPortsToEndpoints(sw);
        a.ToSend.AddRange([new Packet { DestinationEndpoint = 1, PayloadBytes = 1000 }, new Packet { DestinationEndpoint = 1, PayloadBytes = 1000 }]);
        foreach (var lp in new LogicalProcess[] { a, new Endpoint(1), sw }) partition.Add(lp);
        partition.AttachCaptures(new CaptureSettings(["sw->end1"], 10));

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        var snapshot = partition.SnapshotCounters();
        var results = new ResultsBuilder();
        sw.Report(results, SimTime.Millisecond);

        // assert: the ports are named, the captured one recorded both frames (the second after waiting), the snapshot counts them
        Assert.Equal(["sw->end0", "sw->end1"], partition.PortNames);
        Assert.Equal(2, results.Captures["sw->end1"].Captured);
        Assert.Single(results.Captures);
        Assert.Equal(2, snapshot.Links.Values.Single(l => l.To == "end1").TxPackets);
    }

    /// <summary>Announces at time 0 that endpoint 1 moved to server 0, then sends a frame to it one picosecond later.</summary>
    private sealed class Announcer(int id) : LogicalProcess(id, "announcer")
    {
        public override void Start()
        {
            SendControl(2, 0, 0, FabricSwitch.EndpointMoved, new Packet { SourceEndpoint = 1, DestinationEndpoint = 0 });
            ScheduleTimer(1, 0, 0);
        }
        public override void Handle(ref SimEvent e) => SendPacket(2, 1, 0, 9, new Packet { DestinationEndpoint = 1, PayloadBytes = 100 });
        public override void Report(ResultsBuilder results, long endTime) { }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Switch_must_deliver_to_the_server_an_endpoint_moved_to_once_it_has_heard_the_announcement(bool announced)
    {
        // arrange: endpoint 1 starts on server 1; the announcement says it moved to server 0
        var partition = new Partition(0, 1, [0, 0, 0, 0]);
        var a = new Endpoint(0);
        var b = new Endpoint(1);
        var sw = new FabricSwitch(2, "sw", OwnPorts);
        AddPortsToEndpoints(sw);
        if (!announced) b.ToSend.Add(new Packet { DestinationEndpoint = 1, PayloadBytes = 100 });
        foreach (var lp in new LogicalProcess[] { a, b, sw, new Announcer(3) })
            if (announced || lp is not Announcer) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert: after the announcement the frame goes to server 0, before it to server 1
        Assert.Equal(announced ? 1 : 0, a.Received.Count);
        Assert.Equal(announced ? 0 : 1, b.Received.Count);
    }

    [Fact]
    public void A_frame_for_an_endpoint_behind_its_arrival_port_must_be_filtered_and_counted()
    {
        // arrange: server 0 (port 0) sends a frame for its own endpoint 0 up to the switch, as a bridge's flood would
        var partition = new Partition(0, 1, [0, 0, 0]);
        var a = new Endpoint(0, arrivalPort: 0);
        var b = new Endpoint(1);
        var sw = new FabricSwitch(2, "sw", OwnPorts);
        AddPortsToEndpoints(sw);
        a.ToSend.AddRange([new Packet { FlowId = 7, DestinationEndpoint = 0, PayloadBytes = 100 }, new Packet { FlowId = 8, DestinationEndpoint = 1, PayloadBytes = 100 }]);
        foreach (var lp in new LogicalProcess[] { a, b, sw }) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        var results = partition.Report(SimTime.Millisecond);

        // assert: not sent back to server 0, counted at sw:filtered; the other frame goes on
        Assert.Empty(a.Received);
        Assert.Single(b.Received);
        Assert.Equal(1, results.Flows[7].DropsAt["sw:filtered"]);
        Assert.Equal(1, results.Flows[7].DroppedPackets);
    }

    [Fact]
    public void Leaf_ports_must_mark_ECN_capable_frames_as_the_topology_s_switch_queue_says()
    {
        // arrange: one leaf (LP 2) over servers 0 and 1, its switch queues marking at K = 3 packets; eight frames at once
        // from server 0 to server 1, ECT(0) and not-ECT in turn (frame i finds i - 1 waiting at the leaf's port 1)
        var link = new LinkSettings(new DataRate(10_000_000_000), SimTime.Microsecond);
        var topology = new TopologySettings(1, 1, 2, link, link,
            new QueueSettings(new QueueLimit(QueueLimitUnit.Packets, 1000), EcnMarking.Off),
            new QueueSettings(new QueueLimit(QueueLimitUnit.Packets, 100), new EcnMarking(EcnMode.Threshold, 3, null)));
        var layout = new FabricLayout(topology, 1);
        var partition = new Partition(0, 1, layout.PartitionOfLp);
        var a = new Endpoint(0);
        var b = new Endpoint(1);
        var leaf = FabricBuilder.Switch(layout, layout.Graph.Routes.PlacesOf(new LocationTable([0, 1])), Enumerable.Range(0, layout.LpCount).Select(layout.NameOf).ToArray(),
            new PortProfiles(), 2, seed: 1);
        a.ToSend.AddRange(Enumerable.Range(0, 8).Select(i => new Packet
        {
            DestinationEndpoint = 1, PayloadBytes = 1000, Sequence = i,
            Headers = new PacketHeaders { Protocol = PacketHeaders.Udp, Ecn = i % 2 == 0 ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct },
        }));
        foreach (var lp in new LogicalProcess[] { a, b, leaf }) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert: ECT frames 4 and 6 found 3 and 5 waiting; not-ECT frames are never marked nor dropped early
        Assert.Equal(Enumerable.Range(0, 8), b.Received.Select(r => r.Packet.Sequence));
        Assert.Equal([4, 6], b.Received.Where(r => r.Packet.Headers.Ecn == EcnCodepoint.Ce).Select(r => r.Packet.Sequence));
        Assert.Equal(2, leaf.Ports[1].Stats.EcnMarkedPackets);
        Assert.Equal(0, leaf.Ports[1].Stats.DroppedPackets);
    }

    [Fact]
    public void Every_port_must_send_at_its_own_profile_s_rate_when_the_switch_has_more_profiles_than_a_port_state_can_name()
    {
        // arrange: switch 2 with 257 ports, each with a profile of its own (port i at i + 1 Gb/s) towards endpoint i's server
        // (LP i, skipping the switch's id); end0 sends a frame to endpoint 1 (a profile among the first 255) and one to 256 (beyond)
        const int ports = 257;
        int LpOf(int endpoint) => endpoint < 2 ? endpoint : endpoint + 1;
        var places = Enumerable.Range(0, ports).Select(e => new ServerPlace(0, e)).ToArray();
        var sw = new FabricSwitch(2, "sw", new SwitchForwarding(places, places, [[]], self: 0, switchLp: 2));
        var names = Enumerable.Range(0, ports + 1).Select(lp => $"lp{lp}").ToArray();
        var profiles = Enumerable.Range(0, ports).Select(i => new PortProfile(new DataRate((i + 1) * 1_000_000_000L), SimTime.Microsecond,
            new QueueLimit(QueueLimitUnit.Packets, 100), 0, FabricSwitch.TransmitDoneTimer, 0, names)).ToArray();
        for (var i = 0; i < ports; i++) sw.AddPort(profiles[i], (LpOf(i), 0));
        var endpoints = Enumerable.Range(0, ports).Select(e => new Endpoint(LpOf(e))).ToArray();
        endpoints[0].ToSend.AddRange([new Packet { DestinationEndpoint = 1, PayloadBytes = 1000 }, new Packet { DestinationEndpoint = 256, PayloadBytes = 1000 }]);
        var partition = new Partition(0, 1, new int[ports + 1]);
        foreach (var lp in endpoints.Append<LogicalProcess>(sw)) partition.Add(lp);

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert: each frame took its own port's serialization time (1,066 bytes on the wire) and delay
        foreach (var endpoint in new[] { 1, 256 })
            Assert.Equal([profiles[endpoint].Rate.TransmitTime(1066) + SimTime.Microsecond], endpoints[endpoint].Received.Select(r => r.Time));
    }

    [Fact]
    public void A_leaf_must_send_frames_for_every_other_edge_over_its_one_uplink_set_and_still_refuse_an_edge_it_cannot_reach()
    {
        // arrange: servers 0 and 1 hang off edges 1 and 2; a leaf (edge 0) reaches both over its uplinks 3 and 4, a cut-off one neither
        ServerPlace[] places = [new(1, 0), new(2, 0)];
        int[] uplinks = [3, 4];
        var leaf = new SwitchForwarding(places, places, [[], uplinks, uplinks], self: 0, switchLp: 7);
        var cutOff = new SwitchForwarding(places, places, [[], [], []], self: 0, switchLp: 7);

        // act
        var chosen = Enumerable.Range(0, 64).Select(hash => leaf.ToEndpoint((uint)hash, hash % 2)).ToHashSet();

        // assert: frames to either edge spread over both uplinks by ECMP; the cut-off switch throws as before
        Assert.Equal([3, 4], chosen.Order());
        Assert.ThrowsAny<IndexOutOfRangeException>(() => cutOff.ToEndpoint(0, 1));
    }
}
