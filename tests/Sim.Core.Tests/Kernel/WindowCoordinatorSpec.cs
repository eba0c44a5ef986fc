using Akka.Actor;
using Akka.Remote;
using Akka.TestKit.Xunit2;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>The whole window protocol in one ActorSystem: coordinator, partitions, batches.</summary>
public sealed partial class WindowCoordinatorSpec : TestKit
{
    private const long Latency = 1_000_000;

    /// <summary>Stands in for the shard region: creates partition actors on demand by index.</summary>
    private sealed class LocalRegion : ReceiveActor
    {
        public LocalRegion(IModelFactory model)
        {
            Receive<InitPartition>(init =>
            {
                var name = $"p{init.Index}";
                var child = Context.Child(name);
                if (child.IsNobody()) child = Context.ActorOf(PartitionActor.Props(model), name);
                child.Forward(init);
            });
            Receive<AbandonRun>(abandon => Context.Child($"p{abandon.Index}").Forward(abandon));
        }
    }

    private ExperimentCompleted RunThroughActors(IModelFactory model, int partitions)
    {
        var region = Sys.ActorOf(Props.Create(() => new LocalRegion(model)));
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(region, model));
        coordinator.Tell(new StartExperiment(PartitionActorSpec.Scenario, ".", partitions), TestActor);
        return Completed();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Actor_runs_must_equal_the_sequential_run_and_keep_every_LP_clock_monotonic(int partitions)
    {
        // arrange
        var model = new RingModel(6, Latency);
        var scenario = ScenarioLoader.Parse(PartitionActorSpec.Scenario, "test", ".", model);
        var sequential = InProcessRun.Run(model, scenario, 1);

        // act
        var completed = RunThroughActors(model, partitions);

        // assert
        var results = ResultsCodec.Decode(completed.Results);
        Assert.Equal(ResultsCodec.Encode(sequential), completed.Results);
        Assert.All(results.Flows.Values, f => Assert.Equal("ok", f.Kind));
        Assert.True(results.EventsByLp.Values.Sum() > 5_000);
        Assert.Equal(partitions, completed.Partitions.Length);
        Assert.Equal(Latency, completed.Lookahead);
        // the ring has a token every ~Latency ps per LP, so almost every window holds events
        Assert.InRange(completed.Windows, 900, 1_001);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Actor_runs_sending_parcels_must_equal_the_sequential_run(int partitions)
    {
        // arrange: 64 parcels from partition 0 to the last, 8 of them of 300 KiB (two pieces each)
        var model = new ParcelModel(Latency, 64);
        var sequential = InProcessRun.Run(model, ScenarioLoader.Parse(PartitionActorSpec.Scenario, "test", ".", model), 1);

        // act
        var completed = RunThroughActors(model, partitions);

        // assert
        Assert.Equal(("ok", 64L), (sequential.Flows[1].Kind, sequential.Flows[1].DeliveredPackets));
        Assert.Equal(ResultsCodec.Encode(sequential), completed.Results);
    }

    [Fact]
    public void Run_started_from_a_checkpoint_taken_while_parcels_wait_must_finish_with_the_undisturbed_results()
    {
        // arrange: parcels are sent for the first 32 us and each waits 5 us to be taken; a checkpoint every 8 us
        var model = new ParcelModel(Latency, 64);
        const string scenario = "duration = 1ms\nseed = 1\nkernel.checkpoint-interval = 8us\n";
        var undisturbed = InProcessRun.Run(model, ScenarioLoader.Parse(scenario, "test", ".", model), 1);
        StartLongRun(model, maxMemberLosses: 1, scenario);
        var checkpoints = new List<CheckpointTaken>();
        while (FishForMessage<object>(m => m is CheckpointTaken or ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90)) is var m
               and not ExperimentCompleted)
            checkpoints.Add(m as CheckpointTaken ?? throw new Xunit.Sdk.XunitException(((ExperimentFailed)m).Reason));
        Assert.InRange(checkpoints.Count, 3, 4);

        // act: a new coordinator continues from the second checkpoint
        var point = checkpoints[1].Point;
        StartLongRun(model, maxMemberLosses: 1, scenario, point);
        var resumed = (ExperimentCompleted)FishForMessage<object>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90));

        // assert
        Assert.InRange(point.SimulatedTime, 10 * Latency, 32 * Latency);
        Assert.Equal(ResultsCodec.Encode(undisturbed), resumed.Results);
    }

    /// <summary>5,000 windows of 1 µs with progress every 250 µs: long enough to lose a member in the middle.</summary>
    private const string LongScenario = "duration = 5ms\nseed = 3\nkernel.progress-interval = 250us\n";
    private const long Millisecond = 1_000_000_000;

    /// <summary>
    /// Says that the member of every partition was disconnected (in one ActorSystem they all have its address), as
    /// remoting does when a worker process dies, once the run has passed <paramref name="simulatedTime"/>.
    /// </summary>
    private void LoseTheMemberAfter(long simulatedTime)
    {
        FishForMessage<object>(m => m is RunProgress { Restart: null } p && p.SimulatedTime >= simulatedTime, TimeSpan.FromSeconds(30));
        LoseTheMember();
    }

    /// <summary>
    /// Says that the member was disconnected while <paramref name="gate"/> holds a partition mid-run (the run cannot have ended), then
    /// lets the partition go on: the attempt it ran in is over.
    /// </summary>
    private void LoseTheMemberWhileHeld(MidRunGate gate)
    {
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(30)), "the run never got to the gate");
        LoseTheMember();
        gate.Release();
    }

    private void LoseTheMember()
    {
        var self = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
        Sys.EventStream.Publish(new DisassociatedEvent(self, self, inbound: false));
    }

    private IActorRef StartLongRun(IModelFactory model, int maxMemberLosses, string scenario = LongScenario, RecoveryPoint? from = null)
    {
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(Sys.ActorOf(Props.Create(() => new LocalRegion(model))), model, maxMemberLosses));
        coordinator.Tell(new StartExperiment(scenario, ".", 3, from), TestActor);
        return coordinator;
    }

    private const string CheckpointedScenario = LongScenario + "kernel.checkpoint-interval = 500us\n";

    [Fact]
    public void Run_must_roll_back_to_its_last_checkpoint_and_give_the_undisturbed_results_when_a_member_is_lost()
    {
        // arrange
        var gate = new MidRunGate(2 * Millisecond);
        var model = new RingModel(6, Latency, gate.OnHandle);
        var undisturbed = InProcessRun.Run(new RingModel(6, Latency), ScenarioLoader.Parse(LongerScenario, "test", ".", model), 1);
        StartLongRun(model, maxMemberLosses: 1, LongerScenario + "kernel.checkpoint-interval = 500us\n");

        // act: lost 2 ms into the run, after checkpoints at about 0.5, 1, 1.5 and 2 ms
        LoseTheMemberWhileHeld(gate);

        // assert: the restart goes back to a checkpoint, not to the start, and the run still gives the undisturbed results
        var restart = ((RunProgress)FishForMessage<object>(m => m is RunProgress { Restart: not null }, TimeSpan.FromSeconds(90))).Restart!;
        Assert.InRange(restart.From.SimulatedTime, 3 * Millisecond / 2, restart.LostAt);
        Assert.True(restart.From.Window > 1_000, $"window {restart.From.Window}");
        var first = (RunProgress)FishForMessage<object>(m => m is RunProgress, TimeSpan.FromSeconds(90));
        Assert.Equal(restart.From.SimulatedTime, first.SimulatedTime);
        var completed = (ExperimentCompleted)FishForMessage<object>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90));
        Assert.Equal(ResultsCodec.Encode(undisturbed), completed.Results);
        Assert.Equal(undisturbed.EventsByLp.Values.Sum(), completed.Partitions.Sum(p => p.EventsProcessed));
    }

    [Fact]
    public void Run_started_from_a_checkpoint_must_finish_with_the_undisturbed_results()
    {
        // arrange: a whole run that checkpoints every 500 us of simulated time
        var model = new RingModel(6, Latency);
        StartLongRun(model, maxMemberLosses: 1, CheckpointedScenario);
        var checkpoints = new List<CheckpointTaken>();
        ExperimentCompleted? undisturbed = null;
        while (undisturbed is null)
        {
            switch (FishForMessage<object>(m => m is CheckpointTaken or ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90)))
            {
                case CheckpointTaken c: checkpoints.Add(c); break;
                case ExperimentCompleted c: undisturbed = c; break;
                case ExperimentFailed f: throw new Xunit.Sdk.XunitException(f.Reason);
            }
        }
        Assert.InRange(checkpoints.Count, 8, 10);
        Assert.All(checkpoints, c => Assert.Equal(3, c.Point.Partitions!.Length));
        Assert.Equal(checkpoints.Select(c => c.Point.SimulatedTime).Order(), checkpoints.Select(c => c.Point.SimulatedTime));

        // act: a new coordinator continues from the middle checkpoint (as `dcsim run --resume` does from the journal)
        var middle = checkpoints[checkpoints.Count / 2].Point;
        StartLongRun(model, maxMemberLosses: 1, CheckpointedScenario, middle);
        var first = (RunProgress)FishForMessage<object>(m => m is RunProgress, TimeSpan.FromSeconds(90));
        var resumed = (ExperimentCompleted)FishForMessage<object>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90));

        // assert
        Assert.Equal(middle.SimulatedTime, first.SimulatedTime);
        Assert.Equal(undisturbed.Results, resumed.Results);
        Assert.Equal(undisturbed.Windows, resumed.Windows);
    }

    [Fact]
    public void Run_must_restart_from_the_start_and_give_the_undisturbed_results_when_a_member_holding_partitions_is_lost()
    {
        // arrange
        var gate = new MidRunGate(Millisecond);
        var model = new RingModel(6, Latency, gate.OnHandle);
        var undisturbed = InProcessRun.Run(new RingModel(6, Latency), ScenarioLoader.Parse(LongerScenario, "test", ".", model), 1);
        StartLongRun(model, maxMemberLosses: 1, LongerScenario);

        // act: lost 1 ms into the run, while partitions are running windows and sending batches of that attempt
        LoseTheMemberWhileHeld(gate);

        // assert: one restart notice, then progress from the start again, then the results of a whole run
        var restart = ((RunProgress)FishForMessage<object>(m => m is RunProgress { Restart: not null }, TimeSpan.FromSeconds(90))).Restart!;
        Assert.Equal([0, 1, 2], restart.Partitions);
        Assert.Equal("was disconnected", restart.What);
        Assert.InRange(restart.LostAt, Millisecond, 50 * Millisecond);
        Assert.Equal(RecoveryPoint.Start, restart.From);
        Assert.Equal((1, 1), (restart.Loss, restart.MaxLosses));
        var first = (RunProgress)FishForMessage<object>(m => m is RunProgress, TimeSpan.FromSeconds(90));
        Assert.Null(first.Restart);
        Assert.Equal(0, first.Windows);
        var completed = (ExperimentCompleted)FishForMessage<object>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90));
        Assert.Equal(ResultsCodec.Encode(undisturbed), completed.Results);
        Assert.Equal(undisturbed.EventsByLp.Values.Sum(), completed.Partitions.Sum(p => p.EventsProcessed));
    }

    [Fact]
    public void Run_must_fail_naming_the_member_when_it_loses_more_members_than_it_recovers_from()
    {
        // arrange
        var model = new RingModel(6, Latency);
        StartLongRun(model, maxMemberLosses: 1, LongerScenario);
        LoseTheMemberAfter(Millisecond);
        FishForMessage<object>(m => m is RunProgress { Restart: not null }, TimeSpan.FromSeconds(30));

        // act: the new attempt loses its member too
        LoseTheMemberAfter(Millisecond);

        // assert
        var failed = (ExperimentFailed)FishForMessage<object>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(30));
        Assert.Equal($"cluster member {((ExtendedActorSystem)Sys).Provider.DefaultAddress} was disconnected, with partitions 0, 1, 2: "
            + "the run gives up after 2 lost members (it recovers from at most 1)", failed.Reason);
    }

    [Fact]
    public void A_query_while_no_run_is_going_on_must_say_so()
    {
        var model = new RingModel(2, Latency);
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(Sys.ActorOf(Props.Create(() => new LocalRegion(model))), model));
        coordinator.Tell(new QueryServers(5), TestActor);
        var answer = ExpectMsg<ServersSnapshot>();
        Assert.Equal(5, answer.QueryId);
        Assert.Equal(-1, answer.SimulatedTime);
    }

    [Fact]
    public void One_partition_must_need_only_progress_windows()
    {
        var completed = RunThroughActors(new RingModel(6, Latency), 1);
        Assert.Equal(long.MaxValue, completed.Lookahead);
        Assert.Equal(1, completed.Windows);
    }
}
