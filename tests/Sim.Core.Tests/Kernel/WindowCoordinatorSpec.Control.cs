using Akka.Actor;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>Pause, resume and stop of a run (the experiment service's controls).</summary>
public sealed partial class WindowCoordinatorSpec
{
    /// <summary>
    /// Starts the longer ring run (50 ms) on 3 partitions and returns once a partition stands inside an event past 1 ms, held there by
    /// <see cref="MidRunGate"/> until the test releases it: a control sent meanwhile reaches a run that is running, however fast the
    /// machine runs the rest (a run that got to its end before the control came failed a test in CI). Also the results it would give
    /// undisturbed.
    /// </summary>
    private (byte[] Undisturbed, IActorRef Coordinator, MidRunGate Gate) StartHeldPastOneMillisecond()
    {
        var plain = new RingModel(6, Latency);
        var undisturbed = ResultsCodec.Encode(InProcessRun.Run(plain, ScenarioLoader.Parse(LongerScenario, "test", ".", plain), 1));
        var gate = new MidRunGate(Millisecond);
        var coordinator = StartLongRun(new RingModel(6, Latency, gate.OnHandle), maxMemberLosses: 0, LongerScenario);
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 1 ms");
        return (undisturbed, coordinator, gate);
    }

    [Fact]
    public void Paused_run_must_hold_at_a_barrier_answer_queries_there_and_finish_with_the_unpaused_results_once_resumed()
    {
        // arrange
        var (unpaused, coordinator, gate) = StartHeldPastOneMillisecond();

        // act: pause, let the window under way finish, then look twice at where it holds
        coordinator.Tell(new PauseRun(1), TestActor);
        var paused = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        gate.Release();
        // the report the held barrier sends: progress stops there
        var held = (RunProgress)FishForMessage<object>(m => m is RunProgress, TimeSpan.FromSeconds(10));
        coordinator.Tell(new QueryServers(7), TestActor);
        var first = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        coordinator.Tell(new QueryServers(8), TestActor);
        var second = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(new PauseRun(2), TestActor);
        var again = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(new ResumeRun(3), TestActor);
        var resumed = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        var completed = FishForMessage<ExperimentCompleted>(_ => true, TimeSpan.FromSeconds(60));

        // assert
        Assert.Equal((1L, true, "paused"), (paused.ControlId, paused.Accepted, paused.State));
        Assert.Equal((2L, true, "paused", "held at a barrier"), (again.ControlId, again.Accepted, again.State, again.Detail));
        Assert.Equal((3L, true, "running"), (resumed.ControlId, resumed.Accepted, resumed.State));
        Assert.InRange(held.SimulatedTime, Millisecond, 50 * Millisecond - 1);
        Assert.Equal(held.SimulatedTime + Latency, first.SimulatedTime);   // the partitions completed the window that starts there
        Assert.Equal(first.SimulatedTime, second.SimulatedTime);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(unpaused, completed.Results);
    }

    [Fact]
    public void Stopped_run_must_report_no_results_refuse_further_controls_and_leave_the_coordinator_ready_for_the_next_run()
    {
        // arrange
        var (undisturbed, coordinator, gate) = StartHeldPastOneMillisecond();

        // act
        coordinator.Tell(new ResumeRun(4), TestActor);
        var notPaused = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(new StopRun(5), TestActor);
        var stopped = FishForMessage<ExperimentStopped>(_ => true, TimeSpan.FromSeconds(10));
        var answer = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        gate.Release();
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));   // no report, no progress: the partitions dropped the run
        coordinator.Tell(new StopRun(6), TestActor);
        var idle = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(new StartExperiment(LongerScenario, ".", 3), TestActor);
        var next = FishForMessage<ExperimentCompleted>(_ => true, TimeSpan.FromSeconds(60));

        // assert
        Assert.Equal((false, "running", "the run is not paused"), (notPaused.Accepted, notPaused.State, notPaused.Detail));
        Assert.Equal((true, "stopped"), (answer.Accepted, answer.State));
        Assert.InRange(stopped.SimulatedTime, Millisecond, 50 * Millisecond - 1);
        Assert.Equal((false, "idle"), (idle.Accepted, idle.State));
        Assert.Equal(undisturbed, next.Results);
    }

    /// <summary>The time each partition actor behind <paramref name="gate"/> answers a query at: -1 when it holds no run.</summary>
    private long[] PartitionTimes(IActorRef gate, int partitions) => [.. Enumerable.Range(0, partitions).Select(i =>
    {
        Sys.ActorSelection(gate.Path / "region" / $"p{i}").Tell(new QueryServers(100 + i), TestActor);
        return ExpectMsg<ServersSnapshot>(s => s.QueryId == 100 + i, TimeSpan.FromSeconds(10)).SimulatedTime;
    })];

    [Fact]
    public void Stop_while_initialising_must_answer_at_once_make_every_partition_drop_the_run_once_built_and_leave_the_coordinator_ready()
    {
        // arrange: no partition is built yet, the gate holds their inits back
        var model = new RingModel(6, Latency);
        var undisturbed = ResultsCodec.Encode(InProcessRun.Run(model, ScenarioLoader.Parse(LongScenario, "test", ".", model), 1));
        var gate = Sys.ActorOf(Props.Create(() => new GatedRegion(model)));
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(gate, model, 0));
        coordinator.Tell(new StartExperiment(LongScenario, ".", 3), TestActor);

        // act: stop, then let the inits and what followed them through; once the region has passed everything on (it answers an
        // Identify after them), each partition has its init and abandon before the query
        coordinator.Tell(new StopRun(42), TestActor);
        var stopped = FishForMessage<ExperimentStopped>(_ => true, TimeSpan.FromSeconds(10));
        var answer = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        gate.Tell(new GatedRegion.Open());
        gate.Tell(new Identify(1), TestActor);
        FishForMessage<ActorIdentity>(_ => true, TimeSpan.FromSeconds(10));
        var times = PartitionTimes(gate, 3);
        coordinator.Tell(new StartExperiment(LongScenario, ".", 3), TestActor);
        var next = FishForMessage<IDcSimMessage>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(60));

        // assert: stopped at the start, the partitions built meanwhile hold nothing, and the next run is undisturbed
        Assert.Equal(new ExperimentStopped(0, -1), stopped);
        Assert.Equal(new RunControlled(42, true, "stopped", ""), answer);
        Assert.Equal([-1L, -1L, -1L], times);
        Assert.Equal(undisturbed, Assert.IsType<ExperimentCompleted>(next).Results);
    }

    [Fact]
    public void Controls_from_another_client_must_be_refused_and_leave_the_run_untouched()
    {
        // arrange: a second client (another service sharing the coordinator) that did not start the run
        var (undisturbed, coordinator, gate) = StartHeldPastOneMillisecond();
        var stranger = CreateTestProbe();

        // act
        coordinator.Tell(new StopRun(7), stranger.Ref);
        var stop = stranger.ExpectMsg<RunControlled>(TimeSpan.FromSeconds(10));
        coordinator.Tell(new PauseRun(8), stranger.Ref);
        var pause = stranger.ExpectMsg<RunControlled>(TimeSpan.FromSeconds(10));
        gate.Release();
        var completed = FishForMessage<ExperimentCompleted>(_ => true, TimeSpan.FromSeconds(60));

        // assert: refused, and the owner's run finished undisturbed
        Assert.Equal((7L, false, "busy"), (stop.ControlId, stop.Accepted, stop.State));
        Assert.Equal((8L, false, "busy"), (pause.ControlId, pause.Accepted, pause.State));
        Assert.Equal(undisturbed, completed.Results);
    }

    [Fact]
    public void A_failure_of_an_abandoned_attempt_must_be_dropped_and_one_of_the_current_attempt_must_fail_the_run()
    {
        // arrange: the first attempt of a run is number 1
        var (undisturbed, coordinator, gate) = StartHeldPastOneMillisecond();

        // act: what a partition still busy with an earlier attempt (0) would say, then the current attempt's own failure
        coordinator.Tell(new ExperimentFailed("partition 1: left over", 0), TestActor);
        gate.Release();
        var completed = FishForMessage<IDcSimMessage>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(60));
        var second = StartLongRun(new RingModel(6, Latency), maxMemberLosses: 0);
        FishForMessage<RunPlaced>(_ => true, TimeSpan.FromSeconds(30));
        second.Tell(new ExperimentFailed("partition 2: broken", 1), TestActor);
        var failed = FishForMessage<IDcSimMessage>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(60));

        // assert
        Assert.Equal(undisturbed, Assert.IsType<ExperimentCompleted>(completed).Results);
        Assert.Equal(new ExperimentFailed("partition 2: broken"), failed);
    }
}
