using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;
using Directive = DcSim.SimCore.Kernel.Directive;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// The cluster singleton that runs an experiment: it builds the partitions through sharding, grants
/// windows, and merges the partitions' results.
/// </summary>
/// <remarks>
/// Lifecycle:
/// <code>
///   Idle --StartExperiment--> Initialising --all PartitionReady--> Running
///   Running --all parked, next event before end--> Running (next stretch of windows)
///   Running --no event before end--> Finishing --all PartitionReport--> Idle (reply to client)
///   Initialising, Running, Finishing --member lost--> Initialising (a new attempt, from the recovery point)
///   any state --ExperimentFailed of this attempt--> Idle (reply to client; one of an abandoned attempt is dropped)
///   Initialising, Running, Finishing --StopRun--> Idle (partitions drop the run, ExperimentStopped to client)
/// </code>
/// <see cref="PauseRun"/> (while initialising or running) holds the run at the next barrier: the window under way finishes, no
/// other is granted, queries still answer and the silence watchdog is off; <see cref="ResumeRun"/> grants the window that was
/// due (and forgets a run-until). <see cref="RunUntil"/> holds it at exactly a given simulated time: the window that would
/// cross it is cut there. Holding changes when windows run, never which: a paused run's results are those of an unpaused one.
/// Each hold is told to the client (<see cref="RunHeld"/>) with the held time: the end of the last window run, the run-until
/// time, or the recovery point's time when paused while initialising. There, and only there, the client's directives
/// (<see cref="ApplyDirective"/>) go to every partition at the held time; no window is granted until each partition has
/// answered, and the earliest event they then report (a directive adds events) starts the next window. The directives some
/// partition accepted are recorded until a checkpoint holds them: an attempt restarted after a member loss applies again, each at
/// its time (holding there as for a run-until), those its recovery point does not hold, so it ends as the run that lost nothing.
/// Each control carries a control id that its <see cref="RunControlled"/> echoes.
/// A run survives the loss of members that hold its partitions. A loss is a member that is disconnected (its
/// process died: noticed at once) or removed (downed by the split-brain resolver once the failure detector finds
/// it unreachable, or gone). Remoting delivers at most once and the lost partitions' state is gone, so the
/// attempt is abandoned as a whole: the run number changes, which makes every partition and the coordinator drop
/// what is left of the old attempt, and every partition is initialised again from the <see cref="RecoveryPoint"/>
/// (the last complete checkpoint, or the start: the scenario). Sharding places the lost member's partitions on the survivors once that
/// member is removed; until each partition answers, its init is repeated (<see cref="InitRetryInterval"/>), as
/// one sent before the removal goes to the dead member. The run fails after more than
/// <c>maxMemberLosses</c> losses, when no member is left besides the coordinator's own, or when the client's
/// member is lost (nobody would get the results). A member that only becomes unreachable is waited for: it
/// either comes back, with nothing lost, or is downed.
///
/// The silence watchdog (<see cref="SilenceLimit"/>) remains for a partition that stops answering on a live member.
///
/// Invariant: a window starts only when every partition completed the previous one, and its start is the earliest event held or in
/// transit anywhere, so no partition can receive an event earlier than a window it has already run. The coordinator does not cut
/// each window: it releases a stretch (its first window and where it must stop) and hears again only where it must act (a hold, a
/// checkpoint, a control or query, the end), and progress on the way. The partitions cut the windows of a stretch after its first
/// themselves with the coordinator's <see cref="WindowSchedule"/>, each partition's end alike from every partition's earliest event
/// (per-pair lookahead), and stand at one time before they park (docs/kernel.md): when every partition is in the coordinator's
/// process, on threads of their own through shared memory (<see cref="LocalWindows"/>); otherwise their actors tell each other
/// (<see cref="PartitionActor"/>, <see cref="ReleaseStretch"/>), without the coordinator in between. With one partition windows are cut
/// only for progress.
/// </remarks>
public sealed class WindowCoordinator : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    /// <summary>Member losses a run recovers from before it gives up (a deterministic fault would recur forever).</summary>
    public const int DefaultMaxMemberLosses = 3;

    /// <summary>How often an init is repeated to a partition that has not answered (its member may be gone).</summary>
    public static readonly TimeSpan InitRetryInterval = TimeSpan.FromSeconds(1);

    private readonly IActorRef _partitionRegion;
    private readonly IModelFactory _model;
    private readonly int _maxMemberLosses;
    /// <summary>Whether partitions all in this process run their windows on <see cref="LocalWindows"/> (tests turn it off to run the actors' path).</summary>
    private readonly int _localThreads;
    /// <summary>The threads running this attempt's windows when every partition is in this process; null on the actors' path.</summary>
    private LocalWindows? _local;
    /// <summary>A stretch is out (not parked): the partitions must not be sent anything that reads a partition.</summary>
    private bool _stretchOut;
    /// <summary>On the actors' path, the first window of the stretch out, and what the partitions said where they parked, by index.</summary>
    private long _stretchWindow;
    private StretchParked?[] _parked = [];
    /// <summary>Controls and queries stashed until the local windows park.</summary>
    private int _deferred;
    /// <summary>A grant waits for the partitions to answer a query (they must not be running meanwhile).</summary>
    private bool _grantWaits;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _client = ActorRefs.Nobody;
    private StartExperiment? _experiment;
    private WindowSchedule? _schedule;
    private ScenarioSettings? _scenario;
    private IActorRef[] _partitions = [];
    private string[] _addresses = [];
    private string[] _dataEndpoints = [];
    private bool[] _ready = [];
    private int _count;
    /// <summary>The run's layout, made once here and sent to every partition (a balanced one's pilot is not run again by each).</summary>
    private int[] _partitionOfLp = [];
    /// <summary>What making the layout took (a balanced one's pilot), counted in the build the run reports.</summary>
    private TimeSpan _layoutTime;
    private int _outstanding;
    private long _window;
    private long _nextEvent;
    private long _reached;
    private long _lookahead;
    private long _lastProgress;
    private long[] _eventsByPartition = [];
    private ResultsBuilder _results = new();
    private PartitionStats[] _stats = [];
    private readonly Dictionary<long, PendingQuery> _queries = new();
    private long _nextQuery;
    private long _runNumber;
    private RecoveryPoint _recoveryPoint = RecoveryPoint.Start;
    private int _losses;
    /// <summary>Members lost during this run (addresses), so that each is counted once, whichever news comes first.</summary>
    private readonly HashSet<string> _lost = [];
    private readonly Stopwatch _build = new();
    private readonly Stopwatch _run = new();
    private KernelSettings _kernel = new(0, 1);
    /// <summary>Simulated time from which the next window barrier is checkpointed (by the simulated-time interval).</summary>
    private long _nextCheckpointAt;
    /// <summary>Wall time since the last checkpoint (for the wall-time interval).</summary>
    private readonly Stopwatch _sinceCheckpoint = new();
    private CheckpointInProgress? _checkpoint;
    /// <summary>Set when a partition could not take a checkpoint: the model holds something the codec refuses, and would again.</summary>
    private bool _checkpointsOff;
    /// <summary>Set by <see cref="PauseRun"/>: the next barrier holds the run.</summary>
    private bool _paused;
    /// <summary>The run is held at a barrier: every partition completed its window and the next grant waits for <see cref="ResumeRun"/>.</summary>
    private bool _held;
    /// <summary>Set by <see cref="RunUntil"/>: the simulated time at which the run holds next (windows are cut there).</summary>
    private long _holdAt = long.MaxValue;
    /// <summary>
    /// Simulated time up to which every event is handled once the window under way is done (its end), or at which the run holds:
    /// where directives apply.
    /// </summary>
    private long _completed;
    /// <summary>Directives handed to the partitions, by id, until every partition has answered: no window is granted meanwhile.</summary>
    private readonly Dictionary<long, PendingDirective> _directives = new();
    /// <summary>Ids of the directives of this run: each names the components it adds, so none is used twice.</summary>
    private readonly HashSet<long> _directiveIds = [];
    /// <summary>
    /// The directives of this run that a partition applied and the recovery point does not hold (applied after its checkpoint was taken):
    /// what an attempt started from it applies again.
    /// </summary>
    private readonly List<AppliedDirective> _applied = [];
    /// <summary>The directives this attempt has yet to apply again, by time: the attempt holds at each one's time and applies it there.</summary>
    private readonly Queue<AppliedDirective> _replay = new();

    /// <summary>A directive as it was applied: at simulated time <see cref="Time"/>, where the run held.</summary>
    private sealed record AppliedDirective(long Id, long Time, string Verb, string[] Arguments);

    /// <summary>The pieces of the checkpoint taken at the barrier before window <see cref="Window"/>, as they come in.</summary>
    private sealed class CheckpointInProgress(long window, long start, int partitions)
    {
        public long Window { get; } = window;
        public long Start { get; } = start;
        public List<CheckpointPart>[] Parts { get; } = Enumerable.Range(0, partitions).Select(_ => new List<CheckpointPart>()).ToArray();
        public Stopwatch Wall { get; } = Stopwatch.StartNew();

        public bool Complete => Parts.All(p => p.Count > 0 && p.Count == p[0].Parts);
    }

    public WindowCoordinator(IActorRef partitionRegion, IModelFactory model, int maxMemberLosses, int localThreads)
    {
        _partitionRegion = partitionRegion;
        _model = model;
        _maxMemberLosses = maxMemberLosses;
        _localThreads = localThreads;
        Idle();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <param name="localThreads">
    /// Partitions all in this process run their windows on this many threads at most, synchronised through shared memory (null: one per
    /// core; 0: none, the windows go by messages as across processes).
    /// </param>
    public static Props Props(IActorRef partitionRegion, IModelFactory model, int maxMemberLosses = DefaultMaxMemberLosses, int? localThreads = null)
    {
        var threads = localThreads ?? Environment.ProcessorCount;
        return Akka.Actor.Props.Create(() => new WindowCoordinator(partitionRegion, model, maxMemberLosses, threads));
    }

    /// <summary>The local windows have parked: what was stashed meanwhile is handled, then the run goes on from this barrier.</summary>
    private sealed record AtBarrier(long Run);

    /// <summary>Repeats the inits of the partitions that have not answered; never resets the silence watchdog.</summary>
    private sealed class ResendInits : INotInfluenceReceiveTimeout
    {
        public static readonly ResendInits Instance = new();
    }

    /// <summary>In a cluster (not in a plain ActorSystem, as in tests), follow member losses.</summary>
    private Akka.Cluster.Cluster? Membership =>
        ((ExtendedActorSystem)Context.System).Provider is ClusterActorRefProvider ? Akka.Cluster.Cluster.Get(Context.System) : null;

    protected override void PreStart()
    {
        Membership?.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        Context.System.EventStream.Subscribe<DisassociatedEvent>(Self);
    }

    protected override void PostStop()
    {
        _local?.Dispose();   // the threads would wait for a grant forever
        Membership?.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe<DisassociatedEvent>(Self);
    }

    /// <summary>What the local windows of an attempt that is over still say.</summary>
    private void IgnoreLocalWindows()
    {
        Receive<LocalWindowsProgressed>(_ => { });
        Receive<LocalWindowsParked>(_ => { });
        Receive<StretchProgressed>(_ => { });
        Receive<StretchParked>(_ => { });
        Receive<AtBarrier>(_ => { });
    }

    /// <summary>Membership news while no run depends on it.</summary>
    private void IgnoreMembers()
    {
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<ClusterEvent.UnreachableMember>(_ => { });
        Receive<ClusterEvent.MemberRemoved>(_ => { });
        Receive<DisassociatedEvent>(_ => { });
    }

    /// <summary>
    /// Restarts the run (or fails it, <see cref="MemberLost"/>) when a member it depends on is lost: one that holds a
    /// partition of this attempt or the client, and while initialising any member that is downed or disconnected
    /// (sharding may be placing a partition there). A member that leaves gracefully without partitions (the client of
    /// an earlier run) or a connection that drops elsewhere is no loss; an unreachable member is waited for.
    /// </summary>
    private void WatchMembers(bool anyMember)
    {
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<ClusterEvent.UnreachableMember>(u =>
        {
            if (Held(u.Member.Address.ToString()).Count > 0)
                _log.Warning("cluster member {0} is unreachable: waiting for it to come back or be downed", u.Member.Address);
        });
        Receive<ClusterEvent.MemberRemoved>(r => MemberLost(r.Member.Address, "was removed from the cluster",
            anyMember && r.PreviousStatus == MemberStatus.Down));
        Receive<DisassociatedEvent>(d => MemberLost(d.RemoteAddress, "was disconnected", anyMember && IsMember(d.RemoteAddress)));
    }

    private bool IsMember(Address address) => Membership?.State.Members.Any(m => m.Address == address) ?? false;

    private List<int> Held(string address) => Enumerable.Range(0, _count).Where(i => _addresses[i] == address).ToList();

    private void MemberLost(Address member, string what, bool anyMember)
    {
        var address = member.ToString();
        // A client on another member (a run joined with --join); a client on this member is lost with the coordinator.
        if (_client.Path.Address.HasGlobalScope && member == _client.Path.Address)
        {
            Fail(new ExperimentFailed($"cluster member {address}, which runs the client, {what}: the run cannot go on without it"));
            return;
        }
        var held = Held(address);
        if ((!anyMember && held.Count == 0) || !_lost.Add(address)) return;
        _losses++;
        var partitions = held.Count switch
        {
            0 => "",
            1 => $", with partition {held[0]}",
            _ => $", with partitions {string.Join(", ", held)}",
        };
        var lost = $"cluster member {address} {what}{partitions}";
        if (_losses > _maxMemberLosses)
        {
            Fail(new ExperimentFailed($"{lost}: the run gives up after {_losses} lost members (it recovers from at most {_maxMemberLosses})"));
            return;
        }
        if (NoOtherMemberLeft())
        {
            Fail(new ExperimentFailed($"{lost}: no member is left besides the coordinator's own, the run cannot go on"));
            return;
        }
        _log.Warning("{0} at simulated time {1} ps: restarting the run from simulated time {2} ps ({3}; member loss {4} of at most {5})",
            lost, _reached, _recoveryPoint.SimulatedTime, _recoveryPoint.IsStart ? "the start" : $"the checkpoint before window {_recoveryPoint.Window + 1}",
            _losses, _maxMemberLosses);
        _client.Tell(new RunProgress(_recoveryPoint.SimulatedTime, _schedule!.EndTime, _recoveryPoint.Window + 1, 0,
            new RunRestart(address, what, held.ToArray(), _reached, _recoveryPoint, _losses, _maxMemberLosses)));
        if (_held)
        {
            // The new attempt runs until where this one held (applying its directives again on the way), and holds there again.
            _holdAt = _completed;
            _paused = false;
        }
        BeginAttempt();
    }

    /// <summary>
    /// A run that started on other members and has lost them all is not piled onto the coordinator's process:
    /// whatever took the others (the OOM killer, a machine going down) would likely take it next.
    /// </summary>
    private bool NoOtherMemberLeft()
    {
        if (Membership is not { } cluster) return false;
        return !cluster.State.Members.Any(m => m.Address != cluster.SelfAddress && !_lost.Contains(m.Address.ToString())
            && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp);
    }

    private void Idle()
    {
        Receive<StartExperiment>(Start);
        Receive<RunUntil>(u => Refuse(u.ControlId, "idle", "no experiment is running"));
        Receive<ApplyDirective>(d => Sender.Tell(new DirectiveApplied(d.Id, false, -1, "no experiment is running", [])));
        Receive<DirectiveOutcome>(_ => { });
        Receive<ExperimentFailed>(_ => { });
        IgnoreMembers();
        Receive<QueryServers>(NoRunToQuery);
        Receive<ServersSnapshot>(_ => { });
        Receive<CheckpointPart>(_ => { });
        Receive<CheckpointFailed>(_ => { });
        Receive<RestoreWanted>(_ => { });
        // What a stopped run's partitions still say.
        IgnoreLocalWindows();
        Receive<PartitionReady>(_ => { });
        Receive<PartitionReport>(_ => { });
        Receive<PauseRun>(p => Refuse(p.ControlId, "idle", "no experiment is running"));
        Receive<ResumeRun>(r => Refuse(r.ControlId, "idle", "no experiment is running"));
        Receive<StopRun>(s => Refuse(s.ControlId, "idle", "no experiment is running"));
    }

    private void Refuse(long request, string state, string detail) => Sender.Tell(new RunControlled(request, false, state, detail));

    /// <summary>Pause, resume and stop while a run goes on; <paramref name="finishing"/>: no window is left to hold back.</summary>
    private void Controls(bool finishing)
    {
        // Only the run's own client controls it: another client's pause or stop (a second service sharing the coordinator) is refused.
        const string foreign = "the running experiment belongs to another client";
        Receive<PauseRun>(_ => !Sender.Equals(_client), p => Refuse(p.ControlId, "busy", foreign));
        Receive<ResumeRun>(_ => !Sender.Equals(_client), r => Refuse(r.ControlId, "busy", foreign));
        Receive<StopRun>(_ => !Sender.Equals(_client), s => Refuse(s.ControlId, "busy", foreign));
        Receive<RunUntil>(_ => !Sender.Equals(_client), u => Refuse(u.ControlId, "busy", foreign));
        Receive<ApplyDirective>(_ => !Sender.Equals(_client), d => Sender.Tell(new DirectiveApplied(d.Id, false, -1, foreign, [])));
        Receive<PauseRun>(p =>
        {
            if (finishing) Refuse(p.ControlId, "finishing", "the run has granted its last window and is collecting the results");
            else
            {
                _paused = true;
                if (_stretchOut) ParkAtNextBarrier();
                Sender.Tell(new RunControlled(p.ControlId, true, "paused", _held ? "held at a barrier" : "holds at the next barrier"));
            }
        });
        Receive<ResumeRun>(r =>
        {
            if (!_paused)
            {
                Refuse(r.ControlId, finishing ? "finishing" : "running", "the run is not paused");
                return;
            }
            _paused = false;
            _holdAt = long.MaxValue;
            Sender.Tell(new RunControlled(r.ControlId, true, "running", ""));
            Release();
        });
        Receive<RunUntil>(u =>
        {
            if (finishing)
            {
                Refuse(u.ControlId, "finishing", "the run has granted its last window and is collecting the results");
                return;
            }
            // Held, the run is at _completed; running, it gets there once the window under way is done, and can hold there.
            if (_held ? u.Until <= _completed : u.Until < _completed)
            {
                Refuse(u.ControlId, _held ? "paused" : "running",
                    $"simulated time {u.Until} ps is not after {_completed} ps, where the run {(_held ? "holds" : "has got to")}");
                return;
            }
            var toTheEnd = u.Until >= _schedule!.EndTime;
            _holdAt = toTheEnd ? long.MaxValue : u.Until;
            _paused = false;
            Sender.Tell(new RunControlled(u.ControlId, true, "running", toTheEnd ? "runs to the end" : $"holds at {u.Until} ps"));
            Release();
        });
        Receive<ApplyDirective>(Apply);
        Receive<StopRun>(Stop);
    }

    /// <summary>Grants the window that was due, once the run is held, no longer paused, and no directive is out at the partitions.</summary>
    private void Release()
    {
        if (!_held || _paused || _directives.Count > 0) return;
        _held = false;
        Context.SetReceiveTimeout(SilenceLimit);
        Proceed();
    }

    /// <summary>A directive applied at <see cref="Time"/>, out at the partitions until each has answered; one applied again has no client.</summary>
    private sealed class PendingDirective(ApplyDirective directive, long time, IActorRef? client)
    {
        public ApplyDirective Directive { get; } = directive;
        public long Time { get; } = time;
        public IActorRef? Client { get; } = client;
        public List<DirectiveOutcome> Outcomes { get; } = [];
    }

    /// <summary>Hands a directive to every partition, at the time the run holds at.</summary>
    private void Apply(ApplyDirective d)
    {
        if (!_held)
        {
            Sender.Tell(new DirectiveApplied(d.Id, false, -1, "the run is not held at a barrier: pause it or run until a time first", []));
            return;
        }
        if (_completed >= _schedule!.EndTime)
        {
            // As a run given the directive from the start would: one at the end is never applied (InProcessRun drops it too).
            Sender.Tell(new DirectiveApplied(d.Id, false, _completed,
                $"the run holds at its end, {_completed} ps: nothing at or after it is simulated, so a directive there would change nothing (resume the run for its results)", []));
            return;
        }
        if (!_directiveIds.Add(d.Id))
        {
            Sender.Tell(new DirectiveApplied(d.Id, false, _completed, $"directive id {d.Id} was used already in this run: each directive needs a new one", []));
            return;
        }
        _directives[d.Id] = new PendingDirective(d, _completed, Sender);
        foreach (var p in _partitions) p.Tell(new PartitionDirective(_runNumber, d.Id, _completed, d.Verb, d.Arguments));
    }

    /// <summary>
    /// Applies again the directives of <paramref name="time"/> that the attempt's recovery point does not hold, in the order they first
    /// applied: the attempt is where the first one held then (every event before the time handled, none at or after it), so each partition
    /// ends up as it did then. Nothing is granted until every partition has answered.
    /// </summary>
    private void Replay(long time)
    {
        _completed = time;
        while (_replay.TryPeek(out var d) && d.Time == time)
        {
            _replay.Dequeue();
            _directives[d.Id] = new PendingDirective(new ApplyDirective(d.Id, d.Verb, d.Arguments), time, null);
            foreach (var p in _partitions) p.Tell(new PartitionDirective(_runNumber, d.Id, time, d.Verb, d.Arguments));
        }
    }

    /// <summary>
    /// A partition's answer to a directive. Once all are in, the client hears: applied when exactly one partition's LP took it and applied
    /// it; else the refusal of the LP that took it, or why nothing did (the model says, <see cref="IModelFactory.Unclaimed"/>).
    /// </summary>
    private void DirectiveAnswered(DirectiveOutcome o)
    {
        if (o.Run != _runNumber || !_directives.TryGetValue(o.Id, out var pending)) return;
        _nextEvent = Math.Min(_nextEvent, o.NextEventTime);   // a directive adds events
        pending.Outcomes.Add(o);
        if (pending.Outcomes.Count < _count) return;
        _directives.Remove(o.Id);
        var d = pending.Directive;
        var handled = pending.Outcomes.Where(x => x.Handled).OrderBy(x => x.Index).ToList();
        if (pending.Client is not { } client)
        {
            // Applied again: its client heard when it first applied. The same state gives the same outcome, or the run is not deterministic.
            if (!handled.Any(x => x.Accepted))
                _log.Warning("directive {0} ({1}), applied again at {2} ps after a restart, was not accepted this time", d.Id, d.Verb, pending.Time);
            if (_directives.Count == 0) Proceed();
            return;
        }
        if (handled.Any(x => x.Accepted)) _applied.Add(new AppliedDirective(d.Id, pending.Time, d.Verb, d.Arguments));
        client.Tell(handled switch
        {
            [] => new DirectiveApplied(d.Id, false, _completed, _model.Unclaimed(_scenario!, new Directive(d.Id, _completed, d.Verb, d.Arguments)), []),
            [var one] => new DirectiveApplied(d.Id, one.Accepted, _completed, one.Detail, one.Entities),
            _ => new DirectiveApplied(d.Id, false, _completed,
                $"partitions {string.Join(", ", handled.Select(x => x.Index))} each took the directive: what it names is ambiguous", []),
        });
        Release();
    }

    /// <summary>Directives out at the partitions of an attempt that is over: their clients hear that nothing came of them.</summary>
    private void DropDirectives(string why)
    {
        foreach (var (id, pending) in _directives) pending.Client?.Tell(new DirectiveApplied(id, false, -1, why, []));
        _directives.Clear();
    }

    /// <summary>Applies again the directives due here, or grants the next window, or holds the run at this barrier when it is paused.</summary>
    private void Proceed()
    {
        if (_replay.TryPeek(out var due) && _nextEvent >= due.Time)
        {
            Replay(due.Time);
            return;
        }
        if (!_paused && _holdAt != long.MaxValue && _nextEvent >= _holdAt)
        {
            // Run until: every event before the time is handled (the windows were cut there), none at or after it.
            _completed = _holdAt;
            _holdAt = long.MaxValue;
            _paused = true;
        }
        if (!_paused)
        {
            GrantNext();
            return;
        }
        _held = true;
        // Nobody is silent while held: the partitions wait for a grant that is not coming until resumed.
        Context.SetReceiveTimeout(null);
        var events = _eventsByPartition.Sum();
        _client.Tell(new RunProgress(_reached, _schedule!.EndTime, _window, events));
        _client.Tell(new RunHeld(_completed, _window + 1, events));
    }

    /// <summary>
    /// Abandons the run: every partition drops it, those still being built (or restored) once they are, as the abandon goes the way their
    /// init went; the client hears at once that it stopped; no results. What the partitions still say of the run carries its number and is
    /// dropped.
    /// </summary>
    private void Stop(StopRun stop)
    {
        for (var i = 0; i < _count; i++) _partitionRegion.Tell(new AbandonRun(_runNumber, i));
        EndLocal();
        Timers.Cancel(ResendInits.Instance);
        Context.SetReceiveTimeout(null);
        AnswerPendingQueries();
        _log.Info("experiment stopped at simulated time {0} ps, after {1} windows", _reached, _window);
        _client.Tell(new ExperimentStopped(_reached, _window));
        Sender.Tell(new RunControlled(stop.ControlId, true, "stopped", ""));
        DropDirectives("the run was stopped");
        _recoveryPoint = RecoveryPoint.Start;
        _results = new ResultsBuilder();
        _paused = false;
        _held = false;
        Become(Idle);
    }

    /// <summary>A query for server counters while no run is going on: an empty answer at time -1.</summary>
    private void NoRunToQuery(QueryServers q) => Sender.Tell(new ServersSnapshot(q.QueryId, -1, ResultsCodec.Encode(new ResultsBuilder())));

    /// <summary>A query forwarded to the partitions, and everyone who asked while it was out (each with the id they asked under).</summary>
    private sealed class PendingQuery(int outstanding, ListingQuery? listing)
    {
        /// <summary>The listings the query asks for: a query joins one out only when it asks for the same.</summary>
        public ListingQuery? Listing { get; } = listing;
        public List<(IActorRef Asker, long ClientId)> Askers { get; } = [];
        public int Outstanding { get; set; } = outstanding;
        public long SimulatedTime { get; set; } = long.MaxValue;

        /// <summary>
        /// The first partition's answer as it came: a run on one partition is answered with its bytes, decoded and encoded again nowhere
        /// (that work would hold up the next window's grant). Answers from more partitions are merged.
        /// </summary>
        private byte[]? _first;
        private ResultsBuilder? _merged;

        public void Add(byte[] results)
        {
            if (_first is null) _first = results;
            else (_merged ??= ResultsCodec.Decode(_first)).Merge(ResultsCodec.Decode(results));
        }

        public void Answer() => Answer(SimulatedTime, _merged is null ? _first! : ResultsCodec.Encode(_merged));

        public void Answer(long simulatedTime, byte[] results)
        {
            foreach (var (asker, id) in Askers) asker.Tell(new ServersSnapshot(id, simulatedTime, results));
        }
    }

    /// <summary>The query out at the partitions that no partition has answered yet: a new query joins it.</summary>
    private PendingQuery? _unanswered;

    /// <summary>
    /// Forwards a query to every partition; they answer between their windows. A query that arrives while another is out, not yet
    /// answered by any partition, is answered with that one's snapshot: however many ask, a partition takes at most one snapshot per
    /// query round, so a burst of queries costs the run no more than one. While the local windows' threads run, a query for counters
    /// only goes to them instead: each thread snapshots its partition at the next barrier and runs on (one with listings waits for
    /// them to park, <see cref="WaitForBarrier"/>).
    /// </summary>
    private void Query(QueryServers q)
    {
        if (_unanswered is { } open && open.Listing == q.Listing)
        {
            open.Askers.Add((Sender, q.QueryId));
            return;
        }
        var id = ++_nextQuery;
        var pending = new PendingQuery(_count, q.Listing);
        pending.Askers.Add((Sender, q.QueryId));
        _queries[id] = _unanswered = pending;
        if (_stretchOut && _local is not null) _local.SnapshotAtNextBarrier(id);
        else foreach (var p in _partitions) p.Tell(new QueryServers(id, q.Listing));
    }

    /// <summary>Once the local windows park: a counters query they were asked for on their way there goes to the partitions' actors.</summary>
    private void ServeUnservedSnapshot()
    {
        var id = _local!.TakeUnservedSnapshot();
        if (id != 0) foreach (var p in _partitions) p.Tell(new QueryServers(id));
    }

    private void QueryAnswered(ServersSnapshot s)
    {
        if (!_queries.TryGetValue(s.QueryId, out var q)) return;
        if (q == _unanswered) _unanswered = null;
        q.Add(s.Results);
        q.SimulatedTime = Math.Min(q.SimulatedTime, s.SimulatedTime);
        if (--q.Outstanding > 0) return;
        _queries.Remove(s.QueryId);
        q.Answer();
        if (!_grantWaits || _queries.Count > 0) return;
        _grantWaits = false;
        // Still at the barrier the query parked at: a pause, a run-until or a directive that came meanwhile holds the run here.
        Proceed();
    }

    private void Start(StartExperiment start)
    {
        _client = Sender;
        _experiment = start;
        try
        {
            var scenario = ScenarioLoader.Parse(start.ScenarioHocon, "<scenario sent to the coordinator>", start.BaseDirectory, _model);
            var made = Stopwatch.StartNew();
            var layout = _model.Layout(scenario, start.Partitions);
            _layoutTime = made.Elapsed;
            _count = layout.Partitions;
            _partitionOfLp = layout.PartitionOfLp;
            _scenario = scenario;
            _schedule = WindowSchedule.Of(layout, scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
            _lookahead = _schedule.Lookahead;
            _kernel = scenario.Kernel;
            if (start.From?.Partitions is { } restored && restored.Length != _count)
                throw new InvalidOperationException($"the checkpoint to resume from holds {restored.Length} partitions, the scenario's layout {_count}");
        }
        catch (Exception ex)
        {
            _client.Tell(new ExperimentFailed(ex.Message));
            return;
        }
        _recoveryPoint = start.From ?? RecoveryPoint.Start;
        _checkpointsOff = false;
        _paused = false;
        _holdAt = long.MaxValue;
        _directiveIds.Clear();
        _applied.Clear();
        _losses = 0;
        _lost.Clear();
        BeginAttempt();
    }

    /// <summary>
    /// Starts an attempt of the run from <see cref="_recoveryPoint"/> under a new run number: every partition is
    /// (re)initialised, and whatever the previous attempt left in flight is dropped for its run number.
    /// </summary>
    private void BeginAttempt()
    {
        EndLocal();
        _runNumber++;
        _held = false;
        DropDirectives($"the run starts again from simulated time {_recoveryPoint.SimulatedTime} ps after losing a member");
        // A checkpoint holds the directives applied at or before its time (they were applied before the grant that took it); the start none.
        _replay.Clear();
        foreach (var d in _applied.Where(d => _recoveryPoint.IsStart || d.Time > _recoveryPoint.SimulatedTime).OrderBy(d => d.Time)) _replay.Enqueue(d);
        _partitions = new IActorRef[_count];
        _addresses = new string[_count];
        _dataEndpoints = new string[_count];
        _ready = new bool[_count];
        _stats = new PartitionStats[_count];
        _results = new ResultsBuilder();
        _eventsByPartition = new long[_count];
        _window = _recoveryPoint.Window;
        _lastProgress = _recoveryPoint.SimulatedTime;
        _reached = _recoveryPoint.SimulatedTime;
        _completed = _recoveryPoint.SimulatedTime;
        _nextEvent = long.MaxValue;
        _outstanding = _count;
        _checkpoint = null;
        _nextCheckpointAt = _kernel.CheckpointIntervalPs > 0 ? _recoveryPoint.SimulatedTime + _kernel.CheckpointIntervalPs : long.MaxValue;
        _sinceCheckpoint.Restart();
        AnswerPendingQueries();
        _build.Restart();
        _run.Reset();
        SendInits();
        Timers.StartPeriodicTimer(ResendInits.Instance, ResendInits.Instance, InitRetryInterval);
        Context.SetReceiveTimeout(SilenceLimit);
        Become(Initialising);
    }

    /// <summary>Inits every partition that has not answered: built from the scenario, or restored from the recovery point's checkpoint.</summary>
    private void SendInits()
    {
        for (var i = 0; i < _count; i++)
        {
            if (_ready[i]) continue;
            if (_recoveryPoint.Partitions is not { } checkpoints)
            {
                _partitionRegion.Tell(new InitPartition(_runNumber, i, _count, _experiment!.ScenarioHocon, _experiment.BaseDirectory, _partitionOfLp));
                continue;
            }
            var parts = (checkpoints[i].Length + CheckpointPart.MaxBytes - 1) / CheckpointPart.MaxBytes;
            _partitionRegion.Tell(new InitPartition(_runNumber, i, _count, _experiment!.ScenarioHocon, _experiment.BaseDirectory, _partitionOfLp, Math.Max(1, parts)));
        }
    }

    /// <summary>A partition being restored asks for its checkpoint: the pieces go to it directly.</summary>
    private void SendCheckpoint(RestoreWanted wanted)
    {
        if (wanted.Run != _runNumber || _ready[wanted.Index] || _recoveryPoint.Partitions is not { } checkpoints) return;
        foreach (var part in CheckpointPart.Split(_runNumber, wanted.Index, _recoveryPoint.Window + 1, _recoveryPoint.SimulatedTime, checkpoints[wanted.Index]))
            Sender.Tell(part);
    }

    /// <summary>Queries the partitions of an attempt that is over can no longer answer: an empty answer at time -1.</summary>
    private void AnswerPendingQueries()
    {
        // Only when a query waits: encoding is compiled on first use, and an attempt's start is on the way to the first window.
        if (_queries.Count == 0) return;
        var empty = ResultsCodec.Encode(new ResultsBuilder());
        foreach (var q in _queries.Values) q.Answer(-1, empty);
        _queries.Clear();
        _unanswered = null;
    }

    /// <summary>A run in which no partition says anything for this long has lost a partition.</summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(60);

    public static string PartitionEntityId(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Initialising()
    {
        WatchMembers(anyMember: true);
        Controls(finishing: false);
        IgnoreLocalWindows();
        Receive<ReceiveTimeout>(_ => Fail(new ExperimentFailed($"no partition has answered for {SilenceLimit.TotalSeconds:0} s (initialising): a partition or its node was lost")));
        Receive<ResendInits>(_ => SendInits());
        Receive<DirectiveOutcome>(_ => { });   // of an abandoned attempt
        Receive<RestoreWanted>(SendCheckpoint);
        Receive<CheckpointPart>(_ => { });
        Receive<CheckpointFailed>(_ => { });
        Receive<PartitionReady>(ready =>
        {
            // Left over from an earlier attempt, or the answer to a repeated init.
            if (ready.Run != _runNumber || _ready[ready.Index]) return;
            _ready[ready.Index] = true;
            _partitions[ready.Index] = Sender;
            _addresses[ready.Index] = ready.Address;
            _dataEndpoints[ready.Index] = ready.DataEndpoint;
            _lost.Remove(ready.Address);   // it was not lost after all (a connection that dropped and came back)
            _nextEvent = Math.Min(_nextEvent, ready.NextEventTime);
            if (--_outstanding > 0) return;
            Timers.Cancel(ResendInits.Instance);
            if (_losses > 0) _log.Warning("all {0} partitions are ready again {1:0.0} s after the loss: the run resumes", _count, _build.Elapsed.TotalSeconds);
            var directory = new PartitionDirectory(_partitions, [.. _dataEndpoints]);
            foreach (var p in _partitions) p.Tell(directory);
            var own = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
            if (_localThreads > 0 && _addresses.All(a => a == own))
            {
                _local = new LocalWindows(_runNumber, _count, _schedule!, Self, _localThreads);
                foreach (var p in _partitions) p.Tell(new JoinLocalWindows(_runNumber, _local));
            }
            _client.Tell(new RunPlaced([.. _addresses]));
            _build.Stop();
            _run.Start();
            Become(Running);
            Proceed();
        });
        Receive<ExperimentFailed>(PartitionFailed);
        Receive<StartExperiment>(_ => Sender.Tell(new ExperimentFailed("an experiment is already running")));
        Receive<QueryServers>(NoRunToQuery);
    }

    private void Running()
    {
        WatchMembers(anyMember: false);
        // Where the local windows' threads are is known only once they park; a query must not read a running partition.
        Receive<RunUntil>(_ => _stretchOut, _ => WaitForBarrier());
        // The local windows' threads snapshot counters at a barrier they pass anyway; peer windows and listings park first.
        Receive<QueryServers>(q => _stretchOut && (_local is null || q.Listing is not null), _ => WaitForBarrier());
        Controls(finishing: false);
        Receive<LocalWindowsProgressed>(p =>
        {
            if (p.Run == _runNumber) Progressed(p.Window, p.Start, p.EventsProcessed);
        });
        Receive<StretchProgressed>(p =>
        {
            if (p.Run == _runNumber && _stretchOut) Progressed(p.Window, p.Start, p.EventsProcessed);
        });
        Receive<LocalWindowsParked>(p =>
        {
            if (p.Run != _runNumber) return;
            ServeUnservedSnapshot();
            Parked(p.Window, p.Start, p.End, p.NextEventTime, p.LastProgress, p.EventsByPartition);
        });
        Receive<StretchParked>(PeerParked);
        Receive<AtBarrier>(b =>
        {
            if (b.Run == _runNumber && !_stretchOut && !_held && _directives.Count == 0) Proceed();
        });
        Receive<PartitionReady>(_ => { });   // the answer to an init repeated just before the partition answered
        Receive<ReceiveTimeout>(_ => Fail(new ExperimentFailed($"no partition has answered for {SilenceLimit.TotalSeconds:0} s (running): a partition or its node was lost")));
        Receive<QueryServers>(Query);
        Receive<ServersSnapshot>(QueryAnswered);
        Receive<DirectiveOutcome>(DirectiveAnswered);
        Receive<CheckpointPart>(CheckpointArrived);
        Receive<CheckpointFailed>(CheckpointsOff);
        Receive<RestoreWanted>(_ => { });
        Receive<ExperimentFailed>(PartitionFailed);
        Receive<StartExperiment>(_ => Sender.Tell(new ExperimentFailed("an experiment is already running")));
    }

    private void WaitForBarrier()
    {
        Stash.Stash();
        _deferred++;
        ParkAtNextBarrier();
    }

    /// <summary>Asks the stretch out to park as soon as the partitions can agree on it (they then say where).</summary>
    private void ParkAtNextBarrier()
    {
        if (_local is { } local)
        {
            local.ParkAtNextBarrier();
            return;
        }
        foreach (var p in _partitions) p.Tell(new ParkStretch(_runNumber, _stretchWindow));
    }

    private void Progressed(long window, long start, long events)
    {
        (_window, _reached, _lastProgress) = (window, start, start);
        _client.Tell(new RunProgress(start, _schedule!.EndTime, window, events));
    }

    /// <summary>
    /// A partition on the actors' path parked: once all have, where they did (every partition decided alike, or the protocol is broken)
    /// is the barrier.
    /// </summary>
    private void PeerParked(StretchParked p)
    {
        if (p.Run != _runNumber || !_stretchOut) return;
        _parked[p.Index] = p;
        if (_parked.Any(x => x is null)) return;
        var first = _parked[0]!;
        if (_parked.FirstOrDefault(x => (x!.Window, x.Start, x.End, x.NextEventTime) != (first.Window, first.Start, first.End, first.NextEventTime)) is { } other)
        {
            Fail(new ExperimentFailed($"partitions 0 and {other.Index} parked at different windows ({first.Window} from {first.Start} ps, "
                + $"{other.Window} from {other.Start} ps): the peers' protocol is broken"));
            return;
        }
        Parked(first.Window, first.Start, first.End, first.NextEventTime, first.LastProgress, [.. _parked.Select(x => x!.EventsProcessed)]);
    }

    /// <summary>The stretch out parked after <paramref name="window"/>: what was stashed meanwhile is handled at this barrier, then the run goes on.</summary>
    private void Parked(long window, long start, long end, long nextEvent, long lastProgress, long[] eventsByPartition)
    {
        _stretchOut = false;
        (_window, _reached, _completed, _nextEvent, _lastProgress) = (window, start, end, nextEvent, lastProgress);
        _eventsByPartition = eventsByPartition;
        if (_deferred == 0)
        {
            Proceed();
            return;
        }
        // The stashed come back ahead of AtBarrier: they are handled at this barrier, then the run goes on.
        _deferred = 0;
        Stash.UnstashAll();
        Self.Tell(new AtBarrier(_runNumber));
    }

    /// <summary>Ends this attempt's local windows (their threads), and hands back what waited for them to park.</summary>
    private void EndLocal()
    {
        _local?.Dispose();
        _local = null;
        _stretchOut = false;
        _grantWaits = false;
        if (_deferred == 0) return;
        _deferred = 0;
        Stash.UnstashAll();
    }

    /// <summary>
    /// Whether the barrier before the window starting at <paramref name="start"/> is checkpointed: not the first of an attempt (that is
    /// the recovery point itself), and one interval of simulated or wall time after the last.
    /// </summary>
    private bool CheckpointDue(long start) =>
        _kernel.Checkpoints && !_checkpointsOff && _checkpoint is null && _window > _recoveryPoint.Window + 1
        && (start >= _nextCheckpointAt || (_kernel.CheckpointWallInterval > TimeSpan.Zero && _sinceCheckpoint.Elapsed >= _kernel.CheckpointWallInterval));

    /// <summary>
    /// A piece of a partition's checkpoint. Each partition sends its pieces before it reports the window done, so a checkpoint is
    /// complete before the next window is granted; once complete it is the point the run rolls back to after a member loss.
    /// </summary>
    private void CheckpointArrived(CheckpointPart part)
    {
        if (part.Run != _runNumber || _checkpoint is not { } taking || part.Window != taking.Window) return;
        taking.Parts[part.Index].Add(part);
        if (!taking.Complete) return;
        _checkpoint = null;
        _recoveryPoint = new RecoveryPoint(taking.Window - 1, taking.Start, [.. taking.Parts.Select(CheckpointPart.Join)]);
        _applied.RemoveAll(d => d.Time <= taking.Start);
        // A remote client (--join) would need the bytes in pieces: it gets the point alone.
        var point = _client.Path.Address.HasGlobalScope ? _recoveryPoint with { Partitions = null } : _recoveryPoint;
        _client.Tell(new CheckpointTaken(point, taking.Wall.Elapsed.Ticks / 10));
    }

    /// <summary>A partition could not take its checkpoint: no more checkpoints in this run (the last complete one stays the recovery point).</summary>
    private void CheckpointsOff(CheckpointFailed failed)
    {
        if (failed.Run != _runNumber || _checkpointsOff) return;
        _checkpointsOff = true;
        _checkpoint = null;
        _log.Warning("partition {0} could not take a checkpoint before window {1}: the run goes on without checkpoints ({2})",
            failed.Index, failed.Window, failed.Reason);
        _client.Tell(failed);
    }

    private void GrantNext()
    {
        if (_local is not null && _queries.Count > 0)
        {
            _grantWaits = true;
            return;
        }
        var holdAt = _replay.TryPeek(out var replay) ? Math.Min(_holdAt, replay.Time) : _holdAt;
        var window = _schedule!.Next(_nextEvent, holdAt);
        _nextEvent = long.MaxValue;
        if (window is not { } w)
        {
            _reached = _completed = _schedule.EndTime;
            _outstanding = _count;
            foreach (var p in _partitions) p.Tell(new FinishRun(_runNumber, _schedule.EndTime));
            Become(Finishing);
            return;
        }
        _window++;
        _reached = w.Start;
        _completed = w.End;
        var checkpoint = CheckpointDue(w.Start);
        if (checkpoint)
        {
            _checkpoint = new CheckpointInProgress(_window, w.Start, _count);
            if (_kernel.CheckpointIntervalPs > 0) _nextCheckpointAt = w.Start + _kernel.CheckpointIntervalPs;
            _sinceCheckpoint.Restart();
        }
        if (w.Start - _lastProgress >= _schedule.ProgressInterval || _window == _recoveryPoint.Window + 1)
        {
            _lastProgress = w.Start;
            _client.Tell(new RunProgress(w.Start, _schedule.EndTime, _window, _eventsByPartition.Sum()));
        }
        _stretchOut = true;
        if (_local is { } local)
        {
            local.Release(new LocalWindows.Stretch(_window, w.Start, w.End, checkpoint, holdAt, StopAt(holdAt), WallStopAt(), _lastProgress));
            return;
        }
        _stretchWindow = _window;
        _parked = new StretchParked?[_count];
        var stretch = new ReleaseStretch(_runNumber, _window, w.Start, w.End, checkpoint, holdAt, StopAt(holdAt), WallLeft(), _lastProgress,
            _schedule.Latency, _schedule.EndTime, _schedule.ProgressInterval);
        foreach (var p in _partitions) p.Tell(stretch);
    }

    /// <summary>The local windows park before a window starting at or after this: a hold, a directive applied again, or a checkpoint is due.</summary>
    private long StopAt(long holdAt) =>
        _kernel.CheckpointIntervalPs > 0 && !_checkpointsOff ? Math.Min(holdAt, _nextCheckpointAt) : holdAt;

    /// <summary>The wall time (<see cref="Stopwatch.GetTimestamp"/>) at which a checkpoint is due by the wall-time interval.</summary>
    private long WallStopAt()
    {
        if (WallLeft() is var left && left == long.MaxValue) return long.MaxValue;
        return Stopwatch.GetTimestamp() + left * Stopwatch.Frequency / 1_000_000;
    }

    /// <summary>
    /// Wall time in µs until a checkpoint is due by the wall-time interval (partitions in other processes count it on their own clocks,
    /// which are not this one's); <see cref="long.MaxValue"/> for never.
    /// </summary>
    private long WallLeft()
    {
        if (_kernel.CheckpointWallInterval <= TimeSpan.Zero || _checkpointsOff) return long.MaxValue;
        var left = _kernel.CheckpointWallInterval - _sinceCheckpoint.Elapsed;
        return Math.Max(0, left.Ticks / 10);
    }

    private void Finishing()
    {
        WatchMembers(anyMember: false);
        Controls(finishing: true);
        IgnoreLocalWindows();
        Receive<PartitionReady>(_ => { });
        Receive<DirectiveOutcome>(_ => { });
        Receive<CheckpointPart>(CheckpointArrived);
        Receive<CheckpointFailed>(CheckpointsOff);
        Receive<RestoreWanted>(_ => { });
        Receive<QueryServers>(NoRunToQuery);
        Receive<ServersSnapshot>(QueryAnswered);
        Receive<ReceiveTimeout>(_ => Fail(new ExperimentFailed($"no partition has answered for {SilenceLimit.TotalSeconds:0} s (finishing): a partition or its node was lost")));
        Receive<PartitionReport>(report =>
        {
            if (report.Run != _runNumber) return;
            try
            {
                _results.Merge(ResultsCodec.Decode(report.Results));
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or EndOfStreamException)
            {
                Fail(new ExperimentFailed($"the report of partition {report.Index} could not be merged: {ex.Message}"));
                return;
            }
            _stats[report.Index] = new PartitionStats(report.Index, _addresses[report.Index], report.EventsProcessed,
                report.BusyMicroseconds, report.WallMicroseconds, report.Memory);
            if (--_outstanding > 0) return;
            _run.Stop();
            EndLocal();
            AnswerPendingQueries();
            _client.Tell(new ExperimentCompleted(ResultsCodec.Encode(_results), _window + 1, _lookahead, _stats,
                (_build.Elapsed + _layoutTime).Ticks / 10, _run.Elapsed.Ticks / 10));
            _results = new ResultsBuilder();
            _recoveryPoint = RecoveryPoint.Start;   // the run's checkpoints are of no use any more: let their bytes go
            Context.SetReceiveTimeout(null);
            Become(Idle);
        });
        Receive<ExperimentFailed>(PartitionFailed);
        Receive<StartExperiment>(_ => Sender.Tell(new ExperimentFailed("an experiment is already running")));
    }

    /// <summary>A partition's failure fails the run, unless it belongs to an attempt already abandoned (its partition was not told yet).</summary>
    private void PartitionFailed(ExperimentFailed failed)
    {
        if (failed.Run >= 0 && failed.Run != _runNumber)
        {
            _log.Warning("dropped the failure of abandoned attempt {0} (the run is at attempt {1}): {2}", failed.Run, _runNumber, failed.Reason);
            return;
        }
        Fail(failed with { Run = -1 });
    }

    private void Fail(ExperimentFailed failed)
    {
        EndLocal();
        Timers.Cancel(ResendInits.Instance);
        Context.SetReceiveTimeout(null);
        _log.Error("experiment failed: {0}", failed.Reason);
        _client.Tell(failed);
        DropDirectives($"the run failed: {failed.Reason}");
        _recoveryPoint = RecoveryPoint.Start;
        _paused = false;
        _held = false;
        Become(Idle);
    }
}
