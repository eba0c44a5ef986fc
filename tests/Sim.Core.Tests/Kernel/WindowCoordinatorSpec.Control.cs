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
    /// <summary>Starts the long ring run on 3 partitions and waits until it is past 1 ms; returns the results it would give undisturbed.</summary>
    private (byte[] Undisturbed, IActorRef Coordinator) StartPastOneMillisecond()
    {
        var model = new RingModel(6, Latency);
        var undisturbed = ResultsCodec.Encode(InProcessRun.Run(model, ScenarioLoader.Parse(LongScenario, "test", ".", model), 1));
        var coordinator = StartLongRun(model, maxMemberLosses: 0);
        FishForMessage<object>(m => m is RunProgress p && p.SimulatedTime >= Millisecond, TimeSpan.FromSeconds(30));
        return (undisturbed, coordinator);
    }

    [Fact]
    public void Paused_run_must_hold_at_a_barrier_answer_queries_there_and_finish_with_the_unpaused_results_once_resumed()
    {
        // arrange
        var (unpaused, coordinator) = StartPastOneMillisecond();

        // act: pause, then look twice at where it holds
        coordinator.Tell(PauseRun.Instance, TestActor);
        var paused = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        // the report the held barrier sends: progress stops there
        var held = (RunProgress)FishForMessage<object>(m => m is RunProgress, TimeSpan.FromSeconds(10));
        coordinator.Tell(new QueryServers(7), TestActor);
        var first = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        coordinator.Tell(new QueryServers(8), TestActor);
        var second = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(PauseRun.Instance, TestActor);
        var again = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(ResumeRun.Instance, TestActor);
        var resumed = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        var completed = FishForMessage<ExperimentCompleted>(_ => true, TimeSpan.FromSeconds(60));

        // assert
        Assert.Equal((true, "paused"), (paused.Accepted, paused.State));
        Assert.Equal((true, "paused", "held at a barrier"), (again.Accepted, again.State, again.Detail));
        Assert.Equal((true, "running"), (resumed.Accepted, resumed.State));
        Assert.InRange(held.SimulatedTime, Millisecond, 5 * Millisecond - 1);
        Assert.Equal(held.SimulatedTime + Latency, first.SimulatedTime);   // the partitions completed the window that starts there
        Assert.Equal(first.SimulatedTime, second.SimulatedTime);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(unpaused, completed.Results);
    }

    [Fact]
    public void Stopped_run_must_report_no_results_refuse_further_controls_and_leave_the_coordinator_ready_for_the_next_run()
    {
        // arrange
        var (undisturbed, coordinator) = StartPastOneMillisecond();

        // act
        coordinator.Tell(ResumeRun.Instance, TestActor);
        var notPaused = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(StopRun.Instance, TestActor);
        var stopped = FishForMessage<ExperimentStopped>(_ => true, TimeSpan.FromSeconds(10));
        var answer = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));   // no report, no progress: the partitions dropped the run
        coordinator.Tell(StopRun.Instance, TestActor);
        var idle = FishForMessage<RunControlled>(_ => true, TimeSpan.FromSeconds(10));
        coordinator.Tell(new StartExperiment(LongScenario, ".", 3), TestActor);
        var next = FishForMessage<ExperimentCompleted>(_ => true, TimeSpan.FromSeconds(60));

        // assert
        Assert.Equal((false, "running", "the run is not paused"), (notPaused.Accepted, notPaused.State, notPaused.Detail));
        Assert.Equal((true, "stopped"), (answer.Accepted, answer.State));
        Assert.InRange(stopped.SimulatedTime, Millisecond, 5 * Millisecond - 1);
        Assert.Equal((false, "idle"), (idle.Accepted, idle.State));
        Assert.Equal(undisturbed, next.Results);
    }

    [Fact]
    public void Controls_from_another_client_must_be_refused_and_leave_the_run_untouched()
    {
        // arrange: a second client (another service sharing the coordinator) that did not start the run
        var (undisturbed, coordinator) = StartPastOneMillisecond();
        var stranger = CreateTestProbe();

        // act
        coordinator.Tell(StopRun.Instance, stranger.Ref);
        var stop = stranger.ExpectMsg<RunControlled>(TimeSpan.FromSeconds(10));
        coordinator.Tell(PauseRun.Instance, stranger.Ref);
        var pause = stranger.ExpectMsg<RunControlled>(TimeSpan.FromSeconds(10));
        var completed = FishForMessage<ExperimentCompleted>(_ => true, TimeSpan.FromSeconds(60));

        // assert: refused, and the owner's run finished undisturbed
        Assert.Equal((false, "busy"), (stop.Accepted, stop.State));
        Assert.Equal((false, "busy"), (pause.Accepted, pause.State));
        Assert.Equal(undisturbed, completed.Results);
    }

    [Fact]
    public void A_failure_of_an_abandoned_attempt_must_be_dropped_and_one_of_the_current_attempt_must_fail_the_run()
    {
        // arrange: the first attempt of a run is number 1
        var (undisturbed, coordinator) = StartPastOneMillisecond();

        // act: what a partition still busy with an earlier attempt (0) would say, then the current attempt's own failure
        coordinator.Tell(new ExperimentFailed("partition 1: left over", 0), TestActor);
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
