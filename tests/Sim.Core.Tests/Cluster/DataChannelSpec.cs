using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Cluster.Channel;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Tests.Kernel;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;
using static DcSim.SimCore.Tests.Cluster.DcSimSerializerSpec;

namespace DcSim.SimCore.Tests.Cluster;

/// <summary>The data channel between processes: its frames, its sockets, the setting, and the endpoints partitions announce.</summary>
public sealed class DataChannelSpec() : TestKit(DcSimSerialization.Binding)
{
    private const long Latency = 1_000_000;

    private static readonly PeerWindow Window = new(4, 1, 7, 250, 300, true, 12345, 2, [SampleEvent], [new ParcelPiece(3, 77, 0, 1, [1, 2])]);
    private static readonly EventBatch Batch = new(4, 2, 9, [SampleEvent, SampleEvent], [new ParcelPiece(5, -1, 0, 1, [])]);

    /// <summary>
    /// Every frame of <paramref name="bytes"/>, cut out by a <see cref="Frames.Parser"/> fed at most <paramref name="most"/> bytes per read, as a
    /// socket may hand them out; then whether bytes of a frame were left over (a connection that ended inside one).
    /// </summary>
    private static (List<(int To, object Message)> Frames, bool Partial) Parse(byte[] bytes, int most)
    {
        var parser = new Frames.Parser();
        var frames = new List<(int, object)>();
        for (var at = 0; at < bytes.Length;)
        {
            var free = parser.Free();
            var count = Math.Min(Math.Min(most, free.Length), bytes.Length - at);
            bytes.AsSpan(at, count).CopyTo(free);
            parser.Wrote(count);
            at += count;
            while (parser.Next() is { } frame) frames.Add(frame);
        }
        return (frames, parser.Partial);
    }

    private static byte[] Framed(params (int To, object Message)[] frames)
    {
        var buffer = new MemoryStream();
        foreach (var (to, message) in frames) Frames.Write(buffer, to, message);
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1 << 20)]
    public void Frames_must_round_trip_windows_and_batches_however_the_stream_cuts_them(int bytesPerRead)
    {
        var (frames, partial) = Parse(Framed((3, Window), (0, Batch)), bytesPerRead);

        Assert.Equal([(3, Describe(Window)), (0, Describe(Batch))], frames.Select(f => (f.To, Describe(f.Message))));
        Assert.False(partial);
    }

    [Fact]
    public void A_frame_must_carry_the_events_given_beside_its_message_in_place_of_the_message_own()
    {
        // A partition sends from its reused outbox list: the header carries no events, the frame the list's.
        var outbox = new List<SimEvent> { SampleEvent with { Time = 1 }, SampleEvent with { Time = 2 }, SampleEvent with { Time = 3 } };
        var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Frames.Write(w, 3, Window with { Events = [] }, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(outbox)[1..]);
            Frames.Write(w, 0, Batch with { Events = [] }, outbox.ToArray());
        }
        var (frames, partial) = Parse(buffer.ToArray(), 5);

        Assert.Equal([(3, Describe(Window with { Events = [.. outbox.Skip(1)] })), (0, Describe(Batch with { Events = [.. outbox] }))],
            frames.Select(f => (f.To, Describe(f.Message))));
        Assert.False(partial);
    }

    [Fact]
    public void A_frame_larger_than_the_read_buffer_must_arrive_whole_across_many_reads()
    {
        // 16,000 events (a full chunk, ~2.1 MB) and a 256 KiB parcel piece, read 1,000 bytes at a time
        var events = Enumerable.Range(0, PartitionActor.MaxEventsPerBatch).Select(i => SampleEvent with { Time = i }).ToArray();
        var big = new EventBatch(4, 1, 3, events, [new ParcelPiece(1, 2, 0, 1, [.. Enumerable.Range(0, CheckpointPart.MaxBytes).Select(i => (byte)i)])]);
        var (frames, _) = Parse(Framed((1, big), (1, Window)), 1_000);

        var back = (EventBatch)frames[0].Message;
        Assert.Equal(big.Events, back.Events);
        Assert.Equal(big.Parcels[0].Bytes, back.Parcels[0].Bytes);
        Assert.Equal(Describe(Window), Describe(frames[1].Message));
    }

    [Fact]
    public void A_connection_that_ends_inside_a_frame_must_leave_it_partial_and_one_that_ends_between_frames_nothing()
    {
        var bytes = Framed((1, Window));

        Assert.Equal((0, true), Count(Parse(bytes[..^1], 100)));
        Assert.Equal((0, true), Count(Parse(bytes[..2], 100)));
        Assert.Equal((1, false), Count(Parse(bytes, 100)));
        Assert.Equal((0, false), Count(Parse([], 100)));

        static (int, bool) Count((List<(int, object)> Frames, bool Partial) parsed) => (parsed.Frames.Count, parsed.Partial);
    }

    [Fact]
    public void A_frame_length_out_of_bounds_must_be_a_broken_stream()
    {
        var parser = new Frames.Parser();
        BitConverter.TryWriteBytes(parser.Free(), Frames.MaxBytes + 1);
        parser.Wrote(sizeof(int));

        Assert.Throws<InvalidDataException>(() => parser.Next());
    }

    [Fact]
    public void A_frame_must_reach_the_partition_registered_under_its_index_in_the_other_process_and_none_other()
    {
        using var here = new DataChannel("127.0.0.1", Sys.Log);
        using var there = new DataChannel("127.0.0.1", Sys.Log);
        var partition1 = CreateTestProbe();
        var handoff = there.Register(1, partition1.Ref);
        var link = here.Link(there.Endpoint);

        link.Send(5, Batch);   // no partition 5 there: dropped
        link.Send(1, Window);

        // the partition is told the handoff (it was not waiting), and takes the frame from it
        Assert.StartsWith("127.0.0.1:", there.Endpoint);
        Assert.Same(handoff, partition1.ExpectMsg<FrameHandoff>());
        Assert.True(handoff.TryTake(out var frame));
        Assert.Equal(Describe(Window), Describe(frame));
        Assert.False(handoff.TryTake(out _));
        Assert.Same(link, here.Link(there.Endpoint));
    }

    [Fact]
    public void While_a_partition_here_runs_windows_it_must_read_the_connection_itself_and_the_reader_again_once_none_does()
    {
        using var here = new DataChannel("127.0.0.1", Sys.Log);
        using var there = new DataChannel("127.0.0.1", Sys.Log);
        var partition = CreateTestProbe();
        var handoff = there.Register(1, partition.Ref);
        var link = here.Link(there.Endpoint);
        link.Send(1, Batch);
        Assert.Same(handoff, partition.ExpectMsg<FrameHandoff>());
        Assert.True(handoff.TryTake(out _));

        // act: hot and waiting, as a partition between windows; then cooled
        there.EnterHot();
        handoff.Waiting = true;
        link.Send(1, Window);
        object? taken = null;
        AwaitCondition(() =>
        {
            there.WaitForFrames(1_000);
            there.Pump();
            return handoff.TryTake(out taken);
        });
        handoff.Waiting = false;
        there.LeaveHot();
        link.Send(1, Batch);

        // assert: the waiting partition took its frame untold; once cooled, the reader delivers and tells
        Assert.Equal(Describe(Window), Describe(taken!));
        Assert.Same(handoff, partition.ExpectMsg<FrameHandoff>());
        Assert.True(handoff.TryTake(out var told));
        Assert.Equal(Describe(Batch), Describe(told));
    }

    [Fact]
    public async Task Two_processes_whose_partitions_run_windows_must_not_deadlock_writing_more_than_their_buffers_hold_to_each_other()
    {
        // arrange: both hot (their readers asleep), each partition waiting with its handoff; 8 full chunks (~2.2 MB each) each way
        using var a = new DataChannel("127.0.0.1", Sys.Log);
        using var b = new DataChannel("127.0.0.1", Sys.Log);
        var toA = a.Register(0, CreateTestProbe().Ref);
        var toB = b.Register(1, CreateTestProbe().Ref);
        (toA.Waiting, toB.Waiting) = (true, true);
        a.EnterHot();
        b.EnterHot();
        var events = Enumerable.Range(0, PartitionActor.MaxEventsPerBatch).Select(i => SampleEvent with { Time = i }).ToArray();
        var (aToB, bToA) = (a.Link(b.Endpoint), b.Link(a.Endpoint));

        // act: both write at once, as two partitions do after a window; nobody reads but the writers while they wait
        var writes = new[]
        {
            Task.Run(() => { for (var i = 0; i < 8; i++) aToB.Send(1, new EventBatch(4, 0, i, events, [])); }),
            Task.Run(() => { for (var i = 0; i < 8; i++) bToA.Send(0, new EventBatch(4, 1, i, events, [])); }),
        };
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(60));
        var (atA, atB) = (0, 0);
        // Generous for a loaded machine; a hang still fails: a write stuck for 10 s loses its chunk, which never arrives.
        AwaitCondition(() =>
        {
            a.Pump();
            b.Pump();
            while (toA.TryTake(out _)) atA++;
            while (toB.TryTake(out _)) atB++;
            return atA == 8 && atB == 8;
        }, TimeSpan.FromSeconds(30));

        // assert: every chunk arrived, none lost to a write's timeout
        Assert.Equal((8, 8), (atA, atB));
    }

    [Fact]
    public async Task A_hot_process_whose_partitions_stop_reading_must_still_take_in_a_peer_s_chunks_that_overflow_the_buffers()
    {
        // arrange: a hot (its reader asleep), its partition registered but reading nothing (a long window, a run left for a park)
        using var a = new DataChannel("127.0.0.1", Sys.Log);
        using var b = new DataChannel("127.0.0.1", Sys.Log);
        var toA = a.Register(0, CreateTestProbe().Ref);
        toA.Waiting = true;
        a.EnterHot();
        var events = Enumerable.Range(0, PartitionActor.MaxEventsPerBatch).Select(i => SampleEvent with { Time = i }).ToArray();
        var link = b.Link(a.Endpoint);

        // act: ~50 MB, more than both sockets' buffers hold (a write stuck for 10 s loses its chunk)
        await Task.Run(() => { for (var i = 0; i < 24; i++) link.Send(0, new EventBatch(4, 1, i, events, [])); }).WaitAsync(TimeSpan.FromSeconds(60));
        var at = 0;
        AwaitCondition(() =>
        {
            while (toA.TryTake(out _)) at++;
            return at == 24;
        }, TimeSpan.FromSeconds(30));

        // assert: the connection's reader took every chunk while nobody else read
        Assert.Equal(24, at);
    }

    [Fact]
    public void A_partition_must_drop_a_stale_run_s_window_from_the_channel_and_take_its_own_run_s()
    {
        // arrange: partition 1 of 2 (run 1) registered on a channel; its peer, partition 0, is a probe it tells through Akka
        using var here = new DataChannel("127.0.0.1", Sys.Log);
        using var there = new DataChannel("127.0.0.1", Sys.Log);
        var partition = Sys.ActorOf(PartitionActor.Props(new RingModel(4, Latency)));
        partition.Tell(PartitionActorSpec.Init(1, 1, 2, new RingModel(4, Latency)), TestActor);
        ExpectMsg<PartitionReady>();
        there.Register(1, partition);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([peer.Ref, partition], ["", ""]));
        // a stretch that parks after its first window (no wall time to spend)
        partition.Tell(new ReleaseStretch(1, 0, 0, Latency, false, long.MaxValue, long.MaxValue, 0, 0, [.. TestLayout.AllLinked(2, Latency).SelectMany(row => row)], 1_000 * Latency, 1_000 * Latency), TestActor);
        peer.ExpectMsg<PeerWindow>();
        var link = here.Link(there.Endpoint);

        // act: the peer's word on window 0 from an abandoned run, then from this one
        link.Send(1, new PeerWindow(0, 0, 0, Latency, Latency, false, 0, 0, [], []));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        link.Send(1, new PeerWindow(1, 0, 0, Latency, Latency, false, 0, 0, [], []));

        // assert: parked after window 0, on the word of run 1
        var parked = FishForMessage<StretchParked>(_ => true);
        Assert.Equal((1, 1, 0L), (parked.Run, parked.Index, parked.Window));
    }

    [Fact]
    public void The_setting_must_default_to_the_socket_and_name_its_key_when_unknown()
    {
        Assert.Equal(DataChannelKind.Socket, DataChannelSettings.Read(ConfigurationFactory.Empty));
        Assert.Equal(DataChannelKind.Akka, DataChannelSettings.Read(ConfigurationFactory.ParseString("dcsim.kernel.data-channel = akka")));
        var error = Assert.Throws<ConfigurationException>(() => DataChannelSettings.Read(ConfigurationFactory.ParseString("dcsim.kernel.data-channel = udp")));
        Assert.Contains("dcsim.kernel.data-channel", error.Message);
    }

    [Fact]
    public void The_wait_must_default_to_a_millisecond_take_a_duration_and_name_its_key_when_negative()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1), DataChannelSettings.ReadWait(ConfigurationFactory.Empty));
        Assert.Equal(TimeSpan.Zero, DataChannelSettings.ReadWait(ConfigurationFactory.ParseString("dcsim.kernel.data-channel-wait = 0")));
        Assert.Equal(TimeSpan.FromMilliseconds(5), DataChannelSettings.ReadWait(ConfigurationFactory.ParseString("dcsim.kernel.data-channel-wait = 5ms")));
        var error = Assert.Throws<ConfigurationException>(() => DataChannelSettings.ReadWait(ConfigurationFactory.ParseString("dcsim.kernel.data-channel-wait = -1ms")));
        Assert.Contains("dcsim.kernel.data-channel-wait", error.Message);
    }

    [Fact]
    public void A_waiting_partition_must_take_frames_from_the_handoff_without_being_told_and_be_told_once_it_stops_waiting()
    {
        var partition = CreateTestProbe();
        var handoff = new FrameHandoff(partition.Ref) { Waiting = true };

        handoff.Post(Window);
        partition.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.True(handoff.TryTake(out var taken));
        handoff.Waiting = false;
        handoff.Post(Batch);

        Assert.Same(Window, taken);
        Assert.Same(handoff, partition.ExpectMsg<FrameHandoff>());
        Assert.True(handoff.TryTake(out var told));
        Assert.Same(Batch, told);
    }

    [Theory]
    [InlineData("socket", true)]
    [InlineData("akka", false)]
    public void A_partition_in_a_remoting_process_must_announce_its_process_s_data_endpoint_on_the_remoting_host(string setting, bool announced)
    {
        using var system = ActorSystem.Create("dcsim", ConfigurationFactory.ParseString($"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            dcsim.kernel.data-channel = {setting}
            """).WithFallback(DcSimSerialization.Binding));
        var partition = system.ActorOf(PartitionActor.Props(new RingModel(4, Latency)));

        partition.Tell(PartitionActorSpec.Init(1, 0, 2, new RingModel(4, Latency)), TestActor);

        var ready = ExpectMsg<PartitionReady>();
        Assert.Equal(announced, ready.DataEndpoint.StartsWith("127.0.0.1:", StringComparison.Ordinal));
        Assert.Equal(announced ? DataChannelExtension.For(system)!.Endpoint : "", ready.DataEndpoint);
    }
}
