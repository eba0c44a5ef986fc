using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>The partition side of the window protocol (stretches of peer windows), driven message by message.</summary>
public sealed class PartitionActorSpec : TestKit
{
    private const long Latency = 1_000_000;
    /// <summary>1 ms: the scenario's end.</summary>
    private const long End = 1_000 * Latency;
    internal const string Scenario = "duration = 1ms\nseed = 1\n";

    /// <summary>Run <paramref name="run"/>'s init of partition <paramref name="index"/> of <paramref name="count"/>, on the layout <paramref name="model"/> makes.</summary>
    internal static InitPartition Init(long run, int index, int count, IModelFactory model) =>
        new(run, index, count, Scenario, ".", model.Layout(ScenarioLoader.Parse(Scenario, "test", ".", model), count).PartitionOfLp);

    private (IActorRef Partition, PartitionReady Ready) StartPartition(int index, int count, IModelFactory? model = null)
    {
        model ??= new RingModel(4, Latency);
        var partition = Sys.ActorOf(PartitionActor.Props(model));
        partition.Tell(Init(1, index, count, model), TestActor);
        var ready = ExpectMsg<PartitionReady>();
        return (partition, ready);
    }

    /// <summary>
    /// A stretch of run 1 from window <paramref name="window"/> = [start, end), two partitions one latency apart (one: windows one latency
    /// long), no progress on the way.
    /// </summary>
    private static ReleaseStretch Stretch(long window, long start, long end, long stopAt = long.MaxValue, long wallMicroseconds = long.MaxValue, long run = 1,
        int partitions = 2) =>
        new(run, window, start, end, false, long.MaxValue, stopAt, wallMicroseconds, start,
            partitions == 1 ? [Latency] : [.. TestLayout.AllLinked(partitions, Latency).SelectMany(row => row)], End, End);

    /// <summary>What partition <paramref name="from"/> says of <paramref name="window"/> when it sent nothing.</summary>
    private static PeerWindow Word(int from, long window, long next, bool park = false, long run = 1) => new(run, from, window, next, next, park, 0, 0, [], []);

    [Fact]
    public void A_partition_must_be_built_on_the_layout_the_coordinator_sends()
    {
        // arrange: ring LP i starts at i ns; the model's own layout puts LPs 0 and 2 on partition 0, the one sent LPs 1 and 3
        var partition = Sys.ActorOf(PartitionActor.Props(new RingModel(4, Latency)));

        // act
        partition.Tell(new InitPartition(1, 0, 2, Scenario, ".", [1, 0, 1, 0]), TestActor);

        // assert: its first event is LP 1's, at 1 ns, not LP 0's at 0
        Assert.Equal(1_000, ExpectMsg<PartitionReady>().NextEventTime);
    }

    [Fact]
    public void Partition_must_run_the_next_window_only_once_every_peer_has_told_it_the_window_and_decide_it_as_the_peers_do()
    {
        // arrange: partition 0 of 2 hosts ring LPs 0 and 2; partition 1 is a probe, which decides the windows as a peer does
        var (partition, _) = StartPartition(0, 2);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, peer.Ref], ["", ""]));
        var stretch = Stretch(0, 0, Latency);
        var schedule = stretch.Schedule();
        long[] ends = [Latency, Latency];
        partition.Tell(stretch, TestActor);
        var first = peer.ExpectMsg<PeerWindow>();

        // act: nothing from the peer for a while, then its word on window 0 (its earliest event at 1.5 latencies); from window 1 on it
        // wants to park, and answers every word until the two stand at one time and park
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var (own, word) = (first, Word(1, 0, 3 * Latency / 2));
        var words = new List<PeerWindow> { first };
        var starts = new List<long> { 0 };
        var endsOfPartition0 = new List<long> { Latency };
        var endsAfterWindow0 = (0L, 0L);
        partition.Tell(word, peer.Ref);
        while (schedule.Ends(ends, [own.Held, word.Held], [own.NextEventTime, word.NextEventTime], long.MaxValue, own.Park || word.Park, ends))
        {
            starts.Add(Math.Min(own.NextEventTime, word.NextEventTime));
            endsOfPartition0.Add(ends[0]);
            if (starts.Count == 2) endsAfterWindow0 = (ends[0], ends[1]);
            own = peer.ExpectMsg<PeerWindow>();
            words.Add(own);
            word = Word(1, own.Window, 5 * Latency, park: true);
            partition.Tell(word, peer.Ref);
        }
        var parked = FishForMessage<StretchParked>(_ => true);

        // assert: a window per word, in order. Partition 0 told what it holds apart from what it sent (its token went to partition 1): its
        // own window 1 ends one latency after the token (which may come back), partition 1's where partition 0's own events could first
        // reach it, later; so the two stood apart after window 1 and ran one more window to align before parking where both stood
        Assert.Equal((0L, false, 0), (first.Window, first.Park, first.From));
        Assert.Equal(Enumerable.Range(0, words.Count).Select(w => (long)w), words.Select(w => w.Window));
        Assert.True(first.Held > first.NextEventTime, $"held {first.Held}, held or sent {first.NextEventTime}");
        Assert.Equal(Math.Min(first.NextEventTime, 3 * Latency / 2), starts[1]);
        Assert.Equal(starts[1] + Latency, endsAfterWindow0.Item1);
        Assert.True(endsAfterWindow0.Item2 > endsAfterWindow0.Item1, $"window 1 ends at {endsAfterWindow0} by partition");
        Assert.Equal(3, words.Count);
        Assert.Equal((words.Count - 1L, starts[^1], endsOfPartition0[^1]), (parked.Window, parked.Start, parked.End));
        Assert.Equal(ends[0], ends[1]);
        Assert.Equal(ends[0], parked.End);
        Assert.Equal(Math.Min(own.NextEventTime, word.NextEventTime), parked.NextEventTime);
        Assert.True(own.EventsProcessed >= first.EventsProcessed && first.EventsProcessed > 0);
    }

    [Fact]
    public void A_park_asked_by_the_coordinator_or_due_by_the_wall_clock_must_travel_with_the_next_word_to_the_peers()
    {
        // arrange
        var (partition, _) = StartPartition(0, 2);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, peer.Ref], ["", ""]));

        // act: a stretch whose wall time is up at once; then one the coordinator asks to park while window 0 waits for the peer
        partition.Tell(Stretch(0, 0, Latency, wallMicroseconds: 0), TestActor);
        var walled = peer.ExpectMsg<PeerWindow>();
        partition.Tell(Word(1, 0, Latency), peer.Ref);
        var parked = FishForMessage<StretchParked>(_ => true);
        partition.Tell(Stretch(1, parked.NextEventTime, parked.NextEventTime + Latency), TestActor);
        var unasked = peer.ExpectMsg<PeerWindow>();
        partition.Tell(new ParkStretch(1, 1), TestActor);
        partition.Tell(Word(1, 1, 3 * Latency), peer.Ref);
        var asked = peer.ExpectMsg<PeerWindow>();
        partition.Tell(Word(1, 2, 4 * Latency), peer.Ref);
        var parkedAgain = FishForMessage<StretchParked>(_ => true);

        // assert
        Assert.True(walled.Park);
        Assert.Equal(0, parked.Window);
        Assert.False(unasked.Park);
        Assert.Equal((2L, true), (asked.Window, asked.Park));
        Assert.Equal(2, parkedAgain.Window);
    }

    [Fact]
    public void A_partition_of_one_must_run_its_windows_by_itself_until_the_stretch_stops()
    {
        // arrange
        var (partition, _) = StartPartition(0, 1);
        partition.Tell(new PartitionDirectory([TestActor], [""]));

        // act: windows one latency long until the next would start at or after 5 latencies
        partition.Tell(Stretch(0, 0, Latency, stopAt: 5 * Latency, partitions: 1), TestActor);
        var parked = FishForMessage<StretchParked>(_ => true);

        // assert
        Assert.True(parked.Window >= 4, $"parked after window {parked.Window}");
        Assert.InRange(parked.Start, 4 * Latency, 5 * Latency - 1);
        Assert.True(parked.NextEventTime >= 5 * Latency);
    }

    [Fact]
    public void Partition_must_ignore_messages_left_over_from_an_earlier_run()
    {
        // arrange: a partition initialised for run 1
        var (partition, _) = StartPartition(0, 2);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, peer.Ref], ["", ""]));

        // act: a stretch and a peer's word of run 0, then run 1's stretch
        partition.Tell(Stretch(0, 0, Latency, run: 0), TestActor);
        partition.Tell(new PeerWindow(0, 1, 0, 5, 5, true, 0, 0, [new SimEvent { Time = 5, Lp = 2, Kind = EventKind.Packet }], []), peer.Ref);
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        partition.Tell(Stretch(0, 0, Latency), TestActor);

        // assert: only run 1's window ran
        var word = peer.ExpectMsg<PeerWindow>();
        Assert.Equal((1L, 0L), (word.Run, word.Window));
    }

    [Fact]
    public void Partition_must_answer_a_repeated_init_of_its_run_without_building_again_and_rebuild_for_a_new_run()
    {
        // arrange: a partition of run 1 that has run its first window
        var (partition, initial) = StartPartition(0, 2);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, peer.Ref], ["", ""]));
        partition.Tell(Stretch(0, 0, Latency), TestActor);
        partition.Tell(Word(1, 0, 2 * Latency, park: true), peer.Ref);
        var parked = FishForMessage<StretchParked>(_ => true);
        Assert.True(parked.EventsProcessed > 0);

        // act: the coordinator repeats run 1's init (its first answer was slow), then starts run 2
        partition.Tell(Init(1, 0, 2, new RingModel(4, Latency)), TestActor);
        var repeated = ExpectMsg<PartitionReady>();
        partition.Tell(Init(2, 0, 2, new RingModel(4, Latency)), TestActor);
        var rebuilt = ExpectMsg<PartitionReady>();

        // assert: the repeated init kept the state of run 1 (its next event is past the window it ran); run 2 starts afresh
        Assert.Equal(1, repeated.Run);
        Assert.True(repeated.NextEventTime >= Latency, $"the partition was rebuilt: next event at {repeated.NextEventTime}");
        Assert.Equal(2, rebuilt.Run);
        Assert.Equal(initial.NextEventTime, rebuilt.NextEventTime);
        Assert.True(initial.NextEventTime < Latency);
    }

    [Fact]
    public void Partition_must_fail_the_run_when_an_event_arrives_for_a_window_it_already_ran()
    {
        // arrange
        var (partition, _) = StartPartition(0, 2);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, peer.Ref], ["", ""]));
        partition.Tell(Stretch(0, 0, Latency), TestActor);
        peer.ExpectMsg<PeerWindow>();

        // act: an event at time 10 ps, inside window 0 which is over
        var late = new SimEvent { Time = 10, Order = SimEvent.MakeOrder(1, 0), Lp = 2, Kind = EventKind.Packet };
        partition.Tell(new PeerWindow(1, 1, 0, 10, 10, false, 0, 0, [late], []), peer.Ref);

        // assert
        var failure = FishForMessage<ExperimentFailed>(_ => true);
        Assert.Contains("causality violation", failure.Reason);
    }

    [Fact]
    public void Partition_must_send_the_events_for_another_partition_with_its_word_on_the_window()
    {
        // arrange: LP 0 starts at t=0 and passes its token to LP 1 in partition 1
        var (partition, ready) = StartPartition(0, 2);
        var peer = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, peer.Ref], ["", ""]));
        Assert.Equal(0, ready.NextEventTime);

        // act
        partition.Tell(Stretch(0, 0, Latency), TestActor);

        // assert: one message to partition 1, every event at or after the window end, the earliest its next event time
        var word = peer.ExpectMsg<PeerWindow>();
        Assert.Equal((0L, 0), (word.Window, word.Batches));
        Assert.NotEmpty(word.Events);
        Assert.All(word.Events, e => Assert.True(e.Time >= Latency));
        Assert.Equal(word.Events.Min(e => e.Time), word.NextEventTime);
    }

    [Fact]
    public void Parcels_must_travel_in_pieces_of_at_most_256_KiB_per_message_and_be_delivered_joined_with_the_window_events()
    {
        // arrange: the sender (partition 0 of 2) runs 4 latencies at once: parcels 0-7, the fourth of 300 KiB, with their 8 control events
        var model = new ParcelModel(Latency, 8);
        var (sender, _) = StartPartition(0, 2, model);
        var (receiver, _) = StartPartition(1, 2, model);
        var toReceiver = CreateTestProbe();
        var toSender = CreateTestProbe();
        sender.Tell(new PartitionDirectory([sender, toReceiver.Ref], ["", ""]));
        receiver.Tell(new PartitionDirectory([toSender.Ref, receiver], ["", ""]));

        // act: the sender's window; the receiver's (which parks on wall time), taking the sender's messages in reverse order; then the
        // receiver's next window and report
        sender.Tell(Stretch(0, 0, 4 * Latency), TestActor);
        var sent = new List<object>();
        while (sent.LastOrDefault() is not PeerWindow) sent.Add(toReceiver.ExpectMsg<object>());
        receiver.Tell(Stretch(0, 0, 4 * Latency, wallMicroseconds: 0), TestActor);
        toSender.ExpectMsg<PeerWindow>();
        for (var i = sent.Count - 1; i >= 0; i--) receiver.Tell(sent[i], TestActor);
        FishForMessage<StretchParked>(p => p.Index == 1);
        receiver.Tell(Stretch(1, 5 * Latency, 9 * Latency, wallMicroseconds: 0), TestActor);
        toSender.ExpectMsg<PeerWindow>();
        receiver.Tell(Word(0, 1, long.MaxValue), TestActor);
        FishForMessage<StretchParked>(p => p.Index == 1);
        receiver.Tell(new FinishRun(1, 9 * Latency), TestActor);
        var report = FishForMessage<PartitionReport>(_ => true);

        // assert: three messages (small parcels | first piece | second piece and the rest), the events in the first, all taken whole
        var batches = sent.Select(m => m switch
        {
            EventBatch b => (b.Events, b.Parcels),
            PeerWindow w => (w.Events, w.Parcels),
            _ => throw new InvalidOperationException($"unexpected {m}"),
        }).ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(2, ((PeerWindow)sent[^1]).Batches);
        Assert.Equal([8, 0, 0], batches.Select(b => b.Events.Length));
        Assert.All(batches, b => Assert.InRange(b.Parcels.Sum(p => p.Bytes.Length), 1, CheckpointPart.MaxBytes));
        Assert.Equal([(0, 2), (1, 2)], batches.SelectMany(b => b.Parcels).Where(p => p.Key == 103).Select(p => (p.Piece, p.Pieces)));
        var received = ResultsCodec.Decode(report.Results).Flows[1];
        Assert.Equal(("ok", 8L), (received.Kind, received.DeliveredPackets));
        Assert.Equal(Enumerable.Range(0, 8).Sum(n => (long)ParcelModel.Content(n).Length), received.DeliveredBytes);
    }
}
