using Akka.Actor;
using Akka.TestKit.Xunit2;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>The partition side of the window protocol, driven message by message.</summary>
public sealed class PartitionActorSpec : TestKit
{
    private const long Latency = 1_000_000;
    internal const string Scenario = "duration = 1ms\nseed = 1\n";

    private (IActorRef Partition, PartitionReady Ready) StartPartition(int index, int count, IModelFactory? model = null)
    {
        var partition = Sys.ActorOf(PartitionActor.Props(model ?? new RingModel(4, Latency)));
        partition.Tell(new InitPartition(1, index, count, Scenario, "."), TestActor);
        var ready = ExpectMsg<PartitionReady>();
        return (partition, ready);
    }

    [Fact]
    public void Partition_must_hold_a_grant_until_every_batch_of_the_previous_window_has_arrived()
    {
        // arrange: partition 0 of 2 hosts ring LPs 0 and 2
        var (partition, _) = StartPartition(0, 2);
        partition.Tell(new PartitionDirectory([TestActor, CreateTestProbe().Ref]));
        partition.Tell(new GrantWindow(1, 0, 0, Latency, 0), TestActor);
        var first = ExpectMsg<WindowCompleted>();
        Assert.Equal(0, first.Window);

        // act: window 1 needs one batch from window 0 that has not arrived yet
        partition.Tell(new GrantWindow(1, 1, Latency, 2 * Latency, 1), TestActor);

        // assert: nothing runs until the batch is there, then the window completes
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var token = new SimEvent { Time = Latency + 5, Order = SimEvent.MakeOrder(1, 0), Lp = 2, Kind = EventKind.Packet, Packet = new Packet { FlowId = 1 } };
        partition.Tell(new EventBatch(1, 1, 0, [token], []), TestActor);
        var second = FishForMessage<WindowCompleted>(_ => true);
        Assert.Equal(1, second.Window);
        Assert.True(second.EventsProcessed > first.EventsProcessed);
    }

    [Fact]
    public void Partition_must_ignore_messages_left_over_from_an_earlier_run()
    {
        // arrange: a partition initialised for run 1
        var (partition, _) = StartPartition(0, 2);
        partition.Tell(new PartitionDirectory([TestActor, CreateTestProbe().Ref]));

        // act: a grant and a batch of run 0, then run 1's grant
        partition.Tell(new GrantWindow(0, 0, 0, Latency, 0), TestActor);
        partition.Tell(new EventBatch(0, 1, 0, [new SimEvent { Time = 5, Lp = 2, Kind = EventKind.Packet }], []), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        partition.Tell(new GrantWindow(1, 0, 0, Latency, 0), TestActor);

        // assert: only run 1's window ran
        var done = ExpectMsg<WindowCompleted>();
        Assert.Equal(1, done.Run);
        Assert.Equal(0, done.Window);
    }

    [Fact]
    public void Partition_must_answer_a_repeated_init_of_its_run_without_building_again_and_rebuild_for_a_new_run()
    {
        // arrange: a partition of run 1 that has run its first window
        var (partition, initial) = StartPartition(0, 2);
        partition.Tell(new PartitionDirectory([TestActor, CreateTestProbe().Ref]));
        partition.Tell(new GrantWindow(1, 0, 0, Latency, 0), TestActor);
        var done = ExpectMsg<WindowCompleted>();
        Assert.True(done.EventsProcessed > 0);

        // act: the coordinator repeats run 1's init (its first answer was slow), then starts run 2
        partition.Tell(new InitPartition(1, 0, 2, Scenario, "."), TestActor);
        var repeated = ExpectMsg<PartitionReady>();
        partition.Tell(new InitPartition(2, 0, 2, Scenario, "."), TestActor);
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
        partition.Tell(new PartitionDirectory([TestActor, CreateTestProbe().Ref]));
        partition.Tell(new GrantWindow(1, 0, 0, Latency, 0), TestActor);
        ExpectMsg<WindowCompleted>();

        // act: an event at time 10 ps, inside window 0 which is over
        var late = new SimEvent { Time = 10, Order = SimEvent.MakeOrder(1, 0), Lp = 2, Kind = EventKind.Packet };
        partition.Tell(new EventBatch(1, 1, 0, [late], []), TestActor);
        partition.Tell(new GrantWindow(1, 1, Latency, 2 * Latency, 1), TestActor);

        // assert
        var failure = FishForMessage<ExperimentFailed>(_ => true);
        Assert.Contains("causality violation", failure.Reason);
    }

    [Fact]
    public void Partition_must_send_events_for_other_partitions_as_batches_tagged_with_the_window()
    {
        // arrange: LP 0 starts at t=0 and passes its token to LP 1 in partition 1
        var (partition, ready) = StartPartition(0, 2);
        var other = CreateTestProbe();
        partition.Tell(new PartitionDirectory([TestActor, other.Ref]));
        Assert.Equal(0, ready.NextEventTime);

        // act
        partition.Tell(new GrantWindow(1, 0, 0, Latency, 0), TestActor);

        // assert: one batch to partition 1, every event at or after the window end
        var batch = other.ExpectMsg<EventBatch>();
        Assert.Equal(0, batch.Window);
        Assert.All(batch.Events, e => Assert.True(e.Time >= Latency));
        var done = ExpectMsg<WindowCompleted>();
        Assert.Equal(1, done.BatchesTo[1]);
        Assert.Equal(batch.Events.Min(e => e.Time), done.NextEventTime);
    }

    [Fact]
    public void Parcels_must_travel_in_pieces_of_at_most_256_KiB_per_batch_and_be_delivered_joined_with_the_window_events()
    {
        // arrange: the sender (partition 0 of 2) runs 4 latencies at once: parcels 0-7, the fourth of 300 KiB, with their 8 control events
        var model = new ParcelModel(Latency, 8);
        var (sender, _) = StartPartition(0, 2, model);
        var (receiver, _) = StartPartition(1, 2, model);
        var other = CreateTestProbe();
        sender.Tell(new PartitionDirectory([TestActor, other.Ref]));
        receiver.Tell(new PartitionDirectory([TestActor, other.Ref]));

        // act: the sender's window, then its batches to the receiver in reverse order, then the receiver's window and report
        sender.Tell(new GrantWindow(1, 0, 0, 4 * Latency, 0), TestActor);
        var done = ExpectMsg<WindowCompleted>();
        var batches = Enumerable.Range(0, done.BatchesTo[1]).Select(_ => other.ExpectMsg<EventBatch>()).ToList();
        batches.Reverse();
        foreach (var b in batches) receiver.Tell(b, TestActor);
        receiver.Tell(new GrantWindow(1, 1, 5 * Latency, 9 * Latency, batches.Count), TestActor);
        ExpectMsg<WindowCompleted>();
        receiver.Tell(new FinishRun(1, 9 * Latency, 1, 0), TestActor);
        var report = ExpectMsg<PartitionReport>();

        // assert: three batches (small parcels | first piece | second piece and the rest), the events in the first, all taken whole
        Assert.Equal(3, batches.Count);
        batches.Reverse();
        Assert.Equal([8, 0, 0], batches.Select(b => b.Events.Length));
        Assert.All(batches, b => Assert.InRange(b.Parcels.Sum(p => p.Bytes.Length), 1, CheckpointPart.MaxBytes));
        Assert.Equal([(0, 2), (1, 2)], batches.SelectMany(b => b.Parcels).Where(p => p.Key == 103).Select(p => (p.Piece, p.Pieces)));
        var received = ResultsCodec.Decode(report.Results).Flows[1];
        Assert.Equal(("ok", 8L), (received.Kind, received.DeliveredPackets));
        Assert.Equal(Enumerable.Range(0, 8).Sum(n => (long)ParcelModel.Content(n).Length), received.DeliveredBytes);
    }
}
