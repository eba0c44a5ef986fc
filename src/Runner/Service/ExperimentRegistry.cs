using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.Runner.Hosting;
using DcSim.Runner.Results;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Service;

/// <summary>
/// The experiments submitted to this member's service: a queue run one at a time on the cluster, each experiment's state and
/// progress, and where its live counters or its results are. It is the coordinator's client for the run it has started.
/// </summary>
/// <remarks>
/// <code>
///   queued --its turn--> running &lt;--pause/resume--> paused
///   running, paused --ExperimentCompleted, results written--> completed
///   running, paused --ExperimentFailed (or results not written)--> failed
///   queued, running, paused --stop--> stopped
/// </code>
/// Nothing here waits: the coordinator is told (each control under a control id its answer carries back, so the askers wait by id), and the
/// result files are written on the thread pool and the outcome piped back. Wall-clock figures (wall time) are shown, never written to
/// a result. Experiments live as long as the member; their result folders stay under the experiments folder, each with its merged
/// counters beside it (ID.counters), which is what queries about a finished experiment read. A run whose coordinator
/// says nothing for <see cref="ExperimentClient.CoordinatorSilenceLimit"/> while not paused (its member was lost) fails, as with `dcsim run`.
/// </remarks>
internal sealed partial class ExperimentRegistry : ReceiveActor, IWithTimers
{
    private readonly IActorRef _coordinator;
    private readonly string _folder;
    private readonly Func<int> _members;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<ExperimentRecord> _experiments = [];
    private readonly Queue<ExperimentRecord> _queue = new();
    /// <summary>Controls out at the coordinator, by control id: who asked, about which experiment, and whether to answer once the run holds.</summary>
    private readonly Dictionary<long, (IActorRef Asker, ExperimentRecord Experiment, bool UntilHeld)> _controls = new();
    private long _nextControl;
    private ExperimentRecord? _current;
    /// <summary>The sharding region of partitions, asked before a start which members have one (null: start at once).</summary>
    private readonly IActorRef? _partitionRegion;
    /// <summary>Since when the next experiment waits for every member's region, or null when it does not wait.</summary>
    private Stopwatch? _placing;

    /// <param name="coordinator">The coordinator (a singleton proxy on a cluster).</param>
    /// <param name="folder">Each experiment's results go to FOLDER/ID.</param>
    /// <param name="members">Cluster members up now: what a scenario whose kernel.partitions is auto is split by (<see cref="FabricLayout.PartitionsFor"/>).</param>
    /// <param name="partitionRegion">
    /// The partitions' sharding region: an experiment starts once the sharding coordinator knows a region on every member up, so that its
    /// partitions are spread over all of them (a member that has just joined may not have registered its region yet: partitions would
    /// then all go to the others). Null: start at once.
    /// </param>
    public ExperimentRegistry(IActorRef coordinator, string folder, Func<int> members, IActorRef? partitionRegion = null)
    {
        _coordinator = coordinator;
        _folder = folder;
        _members = members;
        _partitionRegion = partitionRegion;
        Receive<Akka.Cluster.Sharding.CurrentRegions>(r => Placed(r.Regions.Count));
        Receive<PlacingTick>(_ => AskRegions());
        Receive<SubmitExperiment>(Submit);
        Receive<ListExperiments>(_ => Sender.Tell(new ExperimentList([.. _experiments.Select(e => e.View())])));
        Receive<GetExperiment>(g => Reply(g.Id, e => Sender.Tell(e.View())));
        Receive<GetScenario>(g => Reply(g.Id, e => Sender.Tell(new ExperimentScenario(e.Id, e.Scenario))));
        Receive<LocateExperiment>(l => Reply(l.Id, Locate));
        Receive<ControlExperiment>(c => Reply(c.Id, e => Control(e, c.Action)));
        Receive<RunProgress>(p =>
        {
            _current?.Progressed(p);
            Heard();
        });
        Receive<RunPlaced>(p =>
        {
            _current?.Placed(p.Addresses);
            Heard();
        });
        Receive<CheckpointTaken>(_ => Heard());
        Receive<CheckpointFailed>(_ => Heard());
        Receive<CoordinatorSilent>(_ => Ended(e => e.Fail($"the coordinator has not answered for {ExperimentClient.CoordinatorSilenceLimit.TotalSeconds:0} s")));
        Receive<ExperimentCompleted>(Completed);
        Receive<ExperimentFailed>(f => Ended(e => e.Fail(f.Reason)));
        Receive<ExperimentStopped>(_ => Ended(e => e.Finish(ExperimentState.Stopped)));
        Receive<RunControlled>(Controlled);
        Receive<ResultsWritten>(w =>
        {
            w.Experiment.Written();
            AnswerHoldWaiters(w.Experiment);
        });
        Receive<Status.Failure>(f =>
        {
            if (f.State is not ExperimentRecord e) return;
            e.Fail($"the result files could not be written: {f.Cause.Message}");
            AnswerHoldWaiters(e);
        });
        ShellReceives();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The coordinator spoke about the current run: the silence watchdog starts again (it is off while the run is paused).</summary>
    private void Heard()
    {
        if (_current is { State: ExperimentState.Running }) Timers.StartSingleTimer(CoordinatorSilent.Instance, CoordinatorSilent.Instance, ExperimentClient.CoordinatorSilenceLimit);
    }

    private sealed record CoordinatorSilent
    {
        public static readonly CoordinatorSilent Instance = new();
    }

    /// <summary>Asks the region again while an experiment waits for the members' regions (the sharding coordinator may not answer yet).</summary>
    private sealed record PlacingTick
    {
        public static readonly PlacingTick Instance = new();
    }

    /// <summary>How often the regions are asked, and how long an experiment waits for them before it starts on the members that have one.</summary>
    internal static readonly TimeSpan PlacingInterval = TimeSpan.FromMilliseconds(100), PlacingLimit = TimeSpan.FromSeconds(10);

    public static Props Props(IActorRef coordinator, string folder, Func<int> members, IActorRef? partitionRegion = null) =>
        Akka.Actor.Props.Create(() => new ExperimentRegistry(coordinator, folder, members, partitionRegion));

    private void Reply(string id, Action<ExperimentRecord> answer)
    {
        if (_experiments.FirstOrDefault(e => e.Id == id) is { } experiment) answer(experiment);
        else Sender.Tell(new ExperimentNotFound(id));
    }

    private void Submit(SubmitExperiment submit)
    {
        var order = _experiments.Count + 1;
        var experiment = new ExperimentRecord($"{order}-{Guid.NewGuid().ToString("N")[..8]}", order, submit.Name ?? submit.Scenario.Name,
            submit.Scenario, submit.BaseDirectory, submit.Partitions, submit.Held);
        _experiments.Add(experiment);
        _queue.Enqueue(experiment);
        Sender.Tell(experiment.View());
        StartNext();
    }

    private void StartNext()
    {
        if (_current is not null || _placing is not null) return;
        while (_queue.TryPeek(out var first) && first.State != ExperimentState.Queued) _queue.Dequeue();   // stopped while queued
        if (_queue.Count == 0) return;
        if (_partitionRegion is null)
        {
            Begin();
            return;
        }
        _placing = Stopwatch.StartNew();
        AskRegions();
    }

    private void AskRegions()
    {
        if (_placing is null) return;
        _partitionRegion!.Tell(Akka.Cluster.Sharding.GetCurrentRegions.Instance);
        Timers.StartSingleTimer(PlacingTick.Instance, PlacingTick.Instance, PlacingInterval);
    }

    /// <summary>The sharding coordinator knows <paramref name="regions"/> regions: enough, or waited long enough, to start the next experiment.</summary>
    private void Placed(int regions)
    {
        if (_placing is not { } since) return;
        var members = _members();
        if (regions < members && since.Elapsed < PlacingLimit) return;   // the tick asks again
        if (regions < members)
            _log.Warning("only {0} of {1} members registered a partition region within {2} s: the experiment starts on those", regions, members, PlacingLimit.TotalSeconds);
        _placing = null;
        Timers.Cancel(PlacingTick.Instance);
        Begin();
    }

    /// <summary>Starts the first experiment still queued, if any.</summary>
    private void Begin()
    {
        while (_queue.TryDequeue(out var next))
        {
            if (next.State != ExperimentState.Queued) continue;   // stopped while queued
            next.Start(next.Partitions ?? FabricLayout.PartitionsFor(next.Scenario.Kernel, next.Scenario.Datacenter().Topology, _members()));
            _current = next;
            Heard();
            _log.Info("experiment {0} ({1}) starts on {2} partition(s)", next.Id, next.Name, next.PartitionCount);
            _coordinator.Tell(new StartExperiment(next.Scenario.ResolvedHocon, next.BaseDirectory, next.PartitionCount), Self);
            if (next.HeldAtStart) HoldAtStart(next);
            return;
        }
    }

    /// <summary>The run of the current experiment is over: the next in the queue starts.</summary>
    private void Ended(Action<ExperimentRecord> outcome)
    {
        if (_current is not { } ended) return;
        _current = null;
        Timers.Cancel(CoordinatorSilent.Instance);
        outcome(ended);
        AnswerHoldWaiters(ended);
        StartNext();
    }

    private void Completed(ExperimentCompleted completed)
    {
        if (_current is not { } done) return;
        done.Completed(completed);
        Timers.Cancel(CoordinatorSilent.Instance);
        var folder = Path.Combine(_folder, done.Id);
        var results = done.FinalResults()!;
        var counters = QueryCounters.FileOf(_folder, done.Id);
        // The same writer as `dcsim run`, off the actor's thread; the next experiment starts meanwhile. The encoded results go to disk
        // too, under a temporary name first: queries about the experiment read them from there, and memory holds no finished run.
        Task.Run(() =>
            {
                ResultFiles.Write(folder, done.Scenario, ResultsCodec.Decode(results));
                File.WriteAllBytes(counters + ".partial", results);
                File.Move(counters + ".partial", counters, overwrite: true);
            })
            .PipeTo(Self, success: () => new ResultsWritten(done), failure: ex => new Status.Failure(ex, done));
        _current = null;
        StartNext();
    }

    private void Locate(ExperimentRecord e)
    {
        if (e.State is ExperimentState.Running or ExperimentState.Paused && e.FinalResults() is null) Sender.Tell(new LiveExperiment(_coordinator, e.Cut, e.HeldAt, e.Location));
        else if (e.FinalResults() is { } results) Sender.Tell(new FinishedExperiment(results, e.EndTime));
        else if (e.State == ExperimentState.Completed) Sender.Tell(new FinishedExperiment(null, e.EndTime));
        else Sender.Tell(new ExperimentRefused(e.View(), $"experiment {e.Id} is {e.State.Name()}: it has no counters to show"));
    }

    private void Control(ExperimentRecord e, ExperimentAction action)
    {
        if (e.State == ExperimentState.Queued && action == ExperimentAction.Stop)
        {
            e.Finish(ExperimentState.Stopped);
            Sender.Tell(e.View());
            return;
        }
        var allowed = action switch
        {
            ExperimentAction.Pause => e.State == ExperimentState.Running,
            ExperimentAction.Resume => e.State == ExperimentState.Paused,
            _ => e.State is ExperimentState.Running or ExperimentState.Paused,
        };
        if (!allowed || e != _current)
        {
            Sender.Tell(new ExperimentRefused(e.View(), $"experiment {e.Id} is {e.State.Name()}: it cannot be {action.Done()}"));
            return;
        }
        SendControl(Sender, e, false, id => action switch
        {
            ExperimentAction.Pause => new PauseRun(id),
            ExperimentAction.Resume => new ResumeRun(id),
            _ => new StopRun(id),
        });
    }

    /// <summary>Tells the coordinator a control under a new control id; its answer (<see cref="Controlled"/>) goes to <paramref name="asker"/>.</summary>
    private void SendControl(IActorRef asker, ExperimentRecord e, bool untilHeld, Func<long, IDcSimMessage> control)
    {
        var id = ++_nextControl;
        _controls[id] = (asker, e, untilHeld);
        _coordinator.Tell(control(id), Self);
    }

    private void Controlled(RunControlled answer)
    {
        if (!_controls.Remove(answer.ControlId, out var control)) return;
        var (asker, e, untilHeld) = control;
        if (!answer.Accepted)
        {
            asker.Tell(new ExperimentRefused(e.View(), $"experiment {e.Id}: the run is {answer.State}: {answer.Detail}"));
            // An idle coordinator has no run at all: it restarted (its member was lost) and this experiment's run is gone.
            if (answer.State == "idle" && e == _current && e.State is ExperimentState.Running or ExperimentState.Paused)
                Ended(current => current.Fail("the coordinator restarted and no longer holds the run (its cluster member was lost)"));
            return;
        }
        if (answer.State == "paused") e.Paused(true);
        else if (answer.State == "running") e.Paused(false);
        if (e.State == ExperimentState.Paused) Timers.Cancel(CoordinatorSilent.Instance);
        else Heard();
        if (untilHeld) WaitForHold(asker, e);
        else asker.Tell(e.View());
    }

    private sealed record ResultsWritten(ExperimentRecord Experiment);
}
