using System.Collections.Concurrent;
using Akka.Actor;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;
using Directive = DcSim.SimCore.Kernel.Directive;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>Partitions in the coordinator's process running their windows on threads synchronised through shared memory (<see cref="LocalWindows"/>).</summary>
public sealed partial class WindowCoordinatorSpec
{
    /// <summary>50,000 windows of 1 µs on several partitions: long enough to pause, query or lose the member in the middle however fast windows are.</summary>
    private const string LongerScenario = "duration = 50ms\nseed = 3\nkernel.progress-interval = 250us\n";
    /// <summary>Long enough that a pause sent after the first millisecond cannot arrive after the run has ended.</summary>
    // Long enough that a pause sent at the first progress report (1 ms) cannot arrive after the end, few reports (each one is a barrier
    // the coordinator hears of), and a generous completion wait: with two spinning partitions on a loaded 2-core machine it ran ~20x slower.
    private const string PausedScenario = "duration = 100ms\nseed = 3\nkernel.progress-interval = 1ms\n";
    /// <param name="localThreads">The threads the local windows run on (null: one per partition; 0: none, the windows go by messages).</param>
    private IActorRef StartRun(IModelFactory model, int partitions, int? localThreads = null, int maxMemberLosses = 0, string scenario = LongScenario)
    {
        var region = Sys.ActorOf(Props.Create(() => new LocalRegion(model)));
        var coordinator = Sys.ActorOf(WindowCoordinator.Props(region, model, maxMemberLosses, localThreads ?? partitions));
        coordinator.Tell(new StartExperiment(scenario, ".", partitions), TestActor);
        return coordinator;
    }

    /// <summary>The run's progress reports and its results; a failed run fails the test.</summary>
    private (List<RunProgress> Progress, ExperimentCompleted Completed) ProgressAndResults()
    {
        var progress = new List<RunProgress>();
        while (true)
        {
            switch (FishForMessage<object>(m => m is RunProgress or ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(90)))
            {
                case RunProgress p: progress.Add(p); break;
                case ExperimentCompleted c: return (progress, c);
                case ExperimentFailed f: throw new Xunit.Sdk.XunitException($"run failed: {f.Reason}");
            }
        }
    }

    private static byte[] Undisturbed(IModelFactory model, string scenario = LongScenario) =>
        ResultsCodec.Encode(InProcessRun.Run(model, ScenarioLoader.Parse(scenario, "test", ".", model), 1));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 2)]
    public void Local_windows_must_be_cut_where_the_actors_path_cuts_them_run_on_their_own_threads_and_give_the_same_results(int partitions, int localThreads)
    {
        // arrange: which threads handle events
        var threads = new ConcurrentDictionary<string, bool>();
        var model = new RingModel(6, Latency, (_, _) => threads.TryAdd(Thread.CurrentThread.Name ?? "", true));
        StartRun(model, partitions, localThreads: 0);
        var (actorsProgress, actors) = ProgressAndResults();
        var pooled = threads.Keys.ToList();
        threads.Clear();

        // act
        StartRun(model, partitions, localThreads);
        var (localProgress, local) = ProgressAndResults();
        var handlers = threads.Keys.Order().ToList();

        // assert: the same windows, progress at the same windows, the same results; events handled on the group's threads only
        Assert.Equal(Undisturbed(model), local.Results);
        Assert.Equal(actors.Results, local.Results);
        Assert.Equal(actors.Windows, local.Windows);
        Assert.Equal(actorsProgress.Select(p => (p.Windows, p.SimulatedTime)), localProgress.Select(p => (p.Windows, p.SimulatedTime)));
        Assert.Equal(actors.Partitions.Select(p => p.EventsProcessed), local.Partitions.Select(p => p.EventsProcessed));
        Assert.Equal(Enumerable.Range(0, Math.Min(partitions, localThreads)).Select(i => $"dcsim-windows-{i}"), handlers);
        Assert.DoesNotContain(pooled, name => name.StartsWith("dcsim-windows", StringComparison.Ordinal));
        // one report per window on one partition: its windows are the progress interval
        if (partitions == 1) Assert.Equal(local.Windows, localProgress.Count);
        Assert.True(local.Partitions.All(p => p.BusyMicroseconds > 0 && p.WallMicroseconds >= p.BusyMicroseconds));
    }

    [Fact]
    public void A_thread_held_inside_a_partition_must_leave_the_other_partitions_of_its_window_to_the_other_thread()
    {
        // arrange: 4 partitions on 2 threads (the first runs partitions 0 and 1 first, the second 2 and 3), every LP ticking on one grid,
        // so every partition's window that holds 1 ms holds its tick at 1 ms; partition 0's is held until the 3 others have had theirs
        var others = new ConcurrentDictionary<int, string>();
        var waiting = new CountdownEvent(3);
        string? holder = null;
        var model = new TickModel(8, Latency / 4, Latency, (lp, time) =>
        {
            if (time != Millisecond) return;
            var name = Thread.CurrentThread.Name ?? "";
            if (lp % 4 != 0)
            {
                if (others.TryAdd(lp % 4, name)) waiting.Signal();
                return;
            }
            if (Interlocked.CompareExchange(ref holder, name, null) is null && !waiting.Wait(TimeSpan.FromSeconds(30)))
                throw new TimeoutException("the other partitions of the window never ran while partition 0 was held");
        });

        // act
        StartRun(model, 4, localThreads: 2);
        var (_, completed) = ProgressAndResults();

        // assert: the window went on without the held thread; so a partition ran on the thread it is not first given to
        Assert.Equal([1, 2, 3], others.Keys.Order());
        Assert.True(holder == "dcsim-windows-1" || others[1] == "dcsim-windows-1", $"partition 0 held on {holder}, partition 1 ran on {others[1]}");
        Assert.Equal(Undisturbed(model), completed.Results);
        Assert.Equal(Enumerable.Repeat(5 * Millisecond / (Latency / 4) * 2, 4), completed.Partitions.Select(p => p.EventsProcessed));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void A_local_partition_failing_mid_window_must_fail_the_run_naming_it_and_leave_the_coordinator_ready_for_the_next_run(int partitions, int localThreads)
    {
        // arrange: LP 3 (partition 1 of 2, 0 of 3) throws at its first event at or after 2 ms
        var broken = 1;
        var model = new RingModel(6, Latency, (lp, time) =>
        {
            if (lp == 3 && time >= 2 * Millisecond && Volatile.Read(ref broken) == 1) throw new InvalidOperationException("LP 3 broke");
        });
        var coordinator = StartRun(model, partitions, localThreads);

        // act
        var failed = FishForMessage<object>(m => m is ExperimentCompleted or ExperimentFailed, TimeSpan.FromSeconds(60));
        Volatile.Write(ref broken, 0);
        coordinator.Tell(new StartExperiment(LongScenario, ".", partitions), TestActor);
        var (_, next) = ProgressAndResults();

        // assert
        Assert.Equal($"partition {3 % partitions}: LP 3 broke", Assert.IsType<ExperimentFailed>(failed).Reason);
        Assert.Equal(Undisturbed(model), next.Results);
    }

    [Fact]
    public void Queries_while_local_partitions_run_must_be_answered_at_a_barrier_and_leave_the_results_unchanged()
    {
        // arrange: a partition held inside an event past 1, 2, ... 5 ms in turn, each until a query is in
        var gates = Enumerable.Range(1, 5).Select(ms => new MidRunGate(ms * Millisecond)).ToArray();
        var model = new RingModel(6, Latency, (lp, time) => Array.ForEach(gates, g => g.OnHandle(lp, time)));
        var coordinator = StartRun(model, 2, scenario: LongerScenario);

        // act: five queries in a row while the run goes on
        var answers = new List<ServersSnapshot>();
        for (var id = 1; id <= 5; id++)
        {
            Assert.True(gates[id - 1].WaitReached(TimeSpan.FromSeconds(30)), $"the run never got past {id} ms");
            coordinator.Tell(new QueryServers(id), TestActor);
            AllHandled(coordinator);
            gates[id - 1].Release();
            answers.Add(FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10)));
        }
        var (_, completed) = ProgressAndResults();

        // assert: each answered at the first barrier after the time its partition was held at, before the next's
        Assert.Equal([1L, 2, 3, 4, 5], answers.Select(a => a.QueryId));
        Assert.All(answers, a => Assert.InRange(a.SimulatedTime, a.QueryId * Millisecond, (a.QueryId + 1) * Millisecond - 1));
        Assert.Equal(Undisturbed(model, LongerScenario), completed.Results);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(4, 2)]
    public void A_counters_query_while_local_partitions_run_must_be_snapshot_by_their_threads_at_a_barrier_and_one_with_listings_by_their_actors(int partitions, int localThreads)
    {
        // arrange: which threads take the snapshots; a partition held inside an event past 1 ms, then past 2 ms, each until a query is in
        var threads = new ConcurrentDictionary<string, bool>();
        var (gate, later) = (new MidRunGate(Millisecond), new MidRunGate(2 * Millisecond));
        var model = new RingModel(6, Latency, (lp, time) => { gate.OnHandle(lp, time); later.OnHandle(lp, time); },
            onSnapshot: _ => threads.TryAdd(Thread.CurrentThread.Name ?? "", true));
        var coordinator = StartRun(model, partitions, localThreads, scenario: LongerScenario);
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 1 ms");

        // act
        coordinator.Tell(new QueryServers(1), TestActor);
        AllHandled(coordinator);
        gate.Release();
        var counters = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        var takers = threads.Keys.Order().ToList();
        threads.Clear();
        Assert.True(later.WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 2 ms");
        coordinator.Tell(new QueryServers(2, new ListingQuery("nothing", 1, 0)), TestActor);
        AllHandled(coordinator);
        later.Release();
        var listed = FishForMessage<ServersSnapshot>(_ => true, TimeSpan.FromSeconds(10));
        var listers = threads.Keys.ToList();
        var (_, completed) = ProgressAndResults();

        // assert: the counters of every LP, taken on the group's threads (with a partition each, on each); the listing's elsewhere (its threads parked)
        if (partitions == localThreads) Assert.Equal(Enumerable.Range(0, partitions).Select(i => $"dcsim-windows-{i}"), takers);
        Assert.NotEmpty(takers);
        Assert.All(takers, name => Assert.StartsWith("dcsim-windows-", name, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"ring{i}").Order(), ResultsCodec.Decode(counters.Results).EventsByLp.Keys.Order());
        Assert.InRange(counters.SimulatedTime, Millisecond, 2 * Millisecond - 1);
        Assert.InRange(listed.SimulatedTime, 2 * Millisecond, 50 * Millisecond - 1);
        Assert.NotEmpty(listers);
        Assert.DoesNotContain(listers, name => name.StartsWith("dcsim-windows", StringComparison.Ordinal));
        Assert.Equal(Undisturbed(model, LongerScenario), completed.Results);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void A_pause_while_the_next_window_waits_for_a_listing_must_hold_the_run_at_that_barrier(int partitions, int localThreads)
    {
        // arrange: a partition held inside an event past 1 ms until the listing is asked for; the listing's answers held until the pause is in
        var gate = new MidRunGate(Millisecond);
        var answers = new SnapshotGate();
        var model = new RingModel(6, Latency, gate.OnHandle, answers.OnSnapshot);
        var coordinator = StartRun(model, partitions, localThreads, scenario: PausedScenario);
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 1 ms");

        // act: the threads park for the listing; the next window waits for its answers, and the pause comes meanwhile
        coordinator.Tell(new QueryServers(1, new ListingQuery("nothing", 1, 0)), TestActor);
        AllHandled(coordinator);
        gate.Release();
        Assert.True(answers.WaitReached(TimeSpan.FromSeconds(30)), "no partition took the listing's snapshot");
        var paused = Control(coordinator, new PauseRun(1));
        answers.Release();
        var (snapshots, _, held) = AnswersUntilHeld(queries: 1);
        var resumed = Control(coordinator, new ResumeRun(2));
        var completed = Completed(TimeSpan.FromMinutes(3));

        // assert: held where the listing was taken, not a window later; the run then ends as if never paused
        Assert.Equal((true, "paused", "holds at the next barrier"), (paused.Accepted, paused.State, paused.Detail));
        Assert.InRange(snapshots[1].SimulatedTime, Millisecond, 2 * Millisecond - 1);
        Assert.Equal(snapshots[1].SimulatedTime, held.SimulatedTime);
        Assert.True(resumed.Accepted);
        Assert.Equal(Undisturbed(model, PausedScenario), completed.Results);
    }

    [Fact]
    public void A_run_held_at_its_end_must_refuse_a_directive_there_as_a_run_given_it_from_the_start_would_never_apply_it()
    {
        // arrange: one partition (its windows are the 1 ms progress interval) held inside an event of its last window
        var end = 100 * Millisecond;
        var gate = new MidRunGate(end - Millisecond / 2);
        var model = new RingModel(6, Latency, gate.OnHandle);
        var coordinator = StartRun(model, 1, scenario: PausedScenario);
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(60)), "the run never got to its last window");

        // act
        var (paused, held, refused, resumed, completed) = PauseTokenAndResume(coordinator, gate);

        // assert
        Assert.True(paused.Accepted);
        Assert.Equal(end, held.SimulatedTime);
        Assert.Equal((false, end, $"the run holds at its end, {end} ps: nothing at or after it is simulated, so a directive there would change nothing (resume the run for its results)"),
            (refused.Accepted, refused.SimulatedTime, refused.Detail));
        Assert.True(resumed.Accepted);
        Assert.Equal(Undisturbed(model, PausedScenario), completed.Results);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void Local_partitions_paused_mid_run_must_apply_a_directive_at_the_barrier_and_give_the_results_of_a_run_given_it_there(int partitions, int localThreads)
    {
        // arrange: a partition held inside an event past 1 ms until the pause is in
        var gate = new MidRunGate(Millisecond);
        var model = new RingModel(6, Latency, gate.OnHandle);
        var coordinator = StartRun(model, partitions, localThreads, scenario: PausedScenario);
        Assert.True(gate.WaitReached(TimeSpan.FromSeconds(30)), "the run never got past 1 ms");

        // act
        var (paused, held, applied, resumed, completed) = PauseTokenAndResume(coordinator, gate);

        // assert
        Assert.Equal((true, "paused", "holds at the next barrier"), (paused.Accepted, paused.State, paused.Detail));
        Assert.Equal((true, held.SimulatedTime), (applied.Accepted, applied.SimulatedTime));
        Assert.True(resumed.Accepted);
        var given = InProcessRun.Run(model, ScenarioLoader.Parse(PausedScenario, "test", ".", model), 1,
            directives: [new Directive(1, held.SimulatedTime, "token", ["ring1"])]);
        Assert.Equal(ResultsCodec.Encode(given), completed.Results);
        Assert.NotEqual(Undisturbed(model, PausedScenario), completed.Results);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void Local_partitions_must_checkpoint_at_barriers_and_roll_back_to_the_last_checkpoint_when_their_member_is_lost(int partitions, int localThreads)
    {
        // arrange: a partition held inside an event past 2 ms until the loss is said
        var gate = new MidRunGate(2 * Millisecond);
        var model = new RingModel(6, Latency, gate.OnHandle);
        StartRun(model, partitions, localThreads, maxMemberLosses: 1, scenario: LongerScenario + "kernel.checkpoint-interval = 500us\n");

        // act: lost 2 ms into the run, after checkpoints at about 0.5, 1, 1.5 and 2 ms
        LoseTheMemberWhileHeld(gate);
        var checkpoints = new List<CheckpointTaken>();
        var restart = ((RunProgress)FishForMessage<object>(m =>
        {
            if (m is CheckpointTaken c) checkpoints.Add(c);
            return m is RunProgress { Restart: not null };
        }, TimeSpan.FromSeconds(90))).Restart!;

        // assert
        var (progress, completed) = ProgressAndResults();
        Assert.InRange(checkpoints.Count, 3, 4);
        Assert.All(checkpoints, c => Assert.Equal(partitions, c.Point.Partitions!.Length));
        Assert.InRange(restart.From.SimulatedTime, 3 * Millisecond / 2, restart.LostAt);
        Assert.Equal(partitions, restart.From.Partitions!.Length);
        Assert.Equal(Enumerable.Range(0, partitions), restart.Partitions);
        Assert.Equal(restart.From.SimulatedTime, progress[0].SimulatedTime);
        Assert.Equal(Undisturbed(model, LongerScenario), completed.Results);
    }
}
