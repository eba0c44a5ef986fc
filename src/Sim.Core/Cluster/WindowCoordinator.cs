using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// The cluster singleton that runs an experiment: it builds the partitions through sharding, grants
/// windows, and merges the partitions' results.
/// </summary>
/// <remarks>
/// Lifecycle:
/// <code>
///   Idle --StartExperiment--> Initialising --all PartitionReady--> Running
///   Running --all WindowCompleted, next event before end--> Running (next window)
///   Running --no event before end--> Finishing --all PartitionReport--> Idle (reply to client)
///   any state --ExperimentFailed--> Idle (reply to client)
/// </code>
/// A run cannot survive the loss of a member that holds partitions (recovery is future work), so the
/// coordinator follows the cluster: a member that becomes unreachable or is removed fails the run as soon
/// as the failure detector says so (seconds, more on a loaded machine), and so does the loss of the
/// connection to a member that holds a partition or the client, which is noticed at once when its process
/// dies. A dropped connection is fatal in any case: remoting delivers at most once, so a batch or a report
/// may have been lost, and the protocol does not resend. The silence watchdog (<see cref="SilenceLimit"/>)
/// remains for a partition that stops answering on a live member.
///
/// Invariant: a window is granted only when every partition completed the previous one, and its
/// start is the earliest event held or in transit anywhere (reported by the partitions), so no
/// partition can receive an event earlier than a window it has already run. The coordinator's own
/// cost is one round of messages per window; with one partition windows are cut only for progress.
/// </remarks>
public sealed class WindowCoordinator : ReceiveActor
{
    private readonly IActorRef _partitionRegion;
    private readonly IModelFactory _model;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _client = ActorRefs.Nobody;
    private StartExperiment? _experiment;
    private WindowSchedule? _schedule;
    private IActorRef[] _partitions = [];
    private string[] _addresses = [];
    private int _count;
    private int _outstanding;
    private long _window;
    private long _nextEvent;
    private int[] _expected = [];
    private long _lookahead;
    private long _lastProgress;
    private long[] _eventsByPartition = [];
    private ResultsBuilder _results = new();
    private PartitionStats[] _stats = [];
    private readonly Dictionary<long, PendingQuery> _queries = new();
    private long _nextQuery;
    private long _runNumber;
    private readonly Stopwatch _build = new();
    private readonly Stopwatch _run = new();

    public WindowCoordinator(IActorRef partitionRegion, IModelFactory model)
    {
        _partitionRegion = partitionRegion;
        _model = model;
        Idle();
    }

    public static Props Props(IActorRef partitionRegion, IModelFactory model) => Akka.Actor.Props.Create(() => new WindowCoordinator(partitionRegion, model));

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
        Membership?.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe<DisassociatedEvent>(Self);
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
    /// Fails the run when a member it depends on is lost: one that holds a partition or the client, and while
    /// initialising any member that becomes unreachable (sharding may be placing a partition there). A member
    /// that leaves gracefully (the client of an earlier run) or a connection that drops elsewhere is no loss.
    /// </summary>
    private void WatchMembers(bool anyMember)
    {
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<ClusterEvent.UnreachableMember>(u => MemberLost(u.Member.Address, "became unreachable", anyMember));
        Receive<ClusterEvent.MemberRemoved>(r => MemberLost(r.Member.Address, "left the cluster", anyMember: false));
        Receive<DisassociatedEvent>(d => MemberLost(d.RemoteAddress, "was disconnected", anyMember: false));
    }

    private void MemberLost(Address member, string what, bool anyMember)
    {
        var address = member.ToString();
        var held = Enumerable.Range(0, _count).Where(i => _addresses[i] == address).ToList();
        if (!anyMember && held.Count == 0 && member != _client.Path.Address) return;
        var partitions = held.Count switch
        {
            0 => "",
            1 => $", with partition {held[0]}",
            _ => $", with partitions {string.Join(", ", held)}",
        };
        Fail(new ExperimentFailed($"cluster member {address} {what}{partitions}: the run cannot go on without it"));
    }

    private void Idle()
    {
        Receive<StartExperiment>(Start);
        Receive<ExperimentFailed>(_ => { });
        IgnoreMembers();
        Receive<QueryServers>(NoRunToQuery);
        Receive<ServersSnapshot>(_ => { });
    }

    /// <summary>A query for server counters while no run is going on: an empty answer at time -1.</summary>
    private void NoRunToQuery(QueryServers q) => Sender.Tell(new ServersSnapshot(q.QueryId, -1, ResultsCodec.Encode(new ResultsBuilder())));

    private sealed class PendingQuery(IActorRef asker, long clientId, int outstanding)
    {
        public IActorRef Asker { get; } = asker;
        public long ClientId { get; } = clientId;
        public int Outstanding { get; set; } = outstanding;
        public long SimulatedTime { get; set; } = long.MaxValue;
        public ResultsBuilder Results { get; } = new();
    }

    /// <summary>Forwards a query to every partition; they answer between their windows.</summary>
    private void Query(QueryServers q)
    {
        var id = ++_nextQuery;
        _queries[id] = new PendingQuery(Sender, q.QueryId, _count);
        foreach (var p in _partitions) p.Tell(new QueryServers(id));
    }

    private void QueryAnswered(ServersSnapshot s)
    {
        if (!_queries.TryGetValue(s.QueryId, out var q)) return;
        q.Results.Merge(ResultsCodec.Decode(s.Results));
        q.SimulatedTime = Math.Min(q.SimulatedTime, s.SimulatedTime);
        if (--q.Outstanding > 0) return;
        _queries.Remove(s.QueryId);
        q.Asker.Tell(new ServersSnapshot(q.ClientId, q.SimulatedTime, ResultsCodec.Encode(q.Results)));
    }

    private void Start(StartExperiment start)
    {
        _client = Sender;
        _experiment = start;
        try
        {
            var scenario = ScenarioLoader.Parse(start.ScenarioHocon, "<scenario sent to the coordinator>", start.BaseDirectory, _model);
            var layout = _model.Layout(scenario, start.Partitions);
            _count = layout.Partitions;
            _lookahead = layout.Lookahead();
            _schedule = new WindowSchedule(_lookahead, scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
        }
        catch (Exception ex)
        {
            _client.Tell(new ExperimentFailed(ex.Message));
            return;
        }
        _partitions = new IActorRef[_count];
        _addresses = new string[_count];
        _stats = new PartitionStats[_count];
        _results = new ResultsBuilder();
        _expected = new int[_count];
        _eventsByPartition = new long[_count];
        _window = -1;
        _lastProgress = 0;
        _nextEvent = long.MaxValue;
        _outstanding = _count;
        _runNumber++;
        _build.Restart();
        _run.Reset();
        for (var i = 0; i < _count; i++)
            _partitionRegion.Tell(new InitPartition(_runNumber, i, _count, start.ScenarioHocon, start.BaseDirectory));
        Context.SetReceiveTimeout(SilenceLimit);
        Become(Initialising);
    }

    /// <summary>A run in which no partition says anything for this long has lost a partition.</summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(60);

    public static string PartitionEntityId(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Initialising()
    {
        WatchMembers(anyMember: true);
        Receive<ReceiveTimeout>(_ => Fail(new ExperimentFailed($"no partition has answered for {SilenceLimit.TotalSeconds:0} s (initialising): a partition or its node was lost")));
        Receive<PartitionReady>(ready =>
        {
            if (ready.Run != _runNumber) return;   // left over from an earlier run
            _partitions[ready.Index] = Sender;
            _addresses[ready.Index] = ready.Address;
            _nextEvent = Math.Min(_nextEvent, ready.NextEventTime);
            if (--_outstanding > 0) return;
            var directory = new PartitionDirectory(_partitions);
            foreach (var p in _partitions) p.Tell(directory);
            _build.Stop();
            _run.Start();
            Become(Running);
            GrantNext();
        });
        Receive<ExperimentFailed>(Fail);
        Receive<StartExperiment>(_ => Sender.Tell(new ExperimentFailed("an experiment is already running")));
        Receive<QueryServers>(NoRunToQuery);
    }

    private void Running()
    {
        WatchMembers(anyMember: false);
        Receive<ReceiveTimeout>(_ => Fail(new ExperimentFailed($"no partition has answered for {SilenceLimit.TotalSeconds:0} s (running): a partition or its node was lost")));
        Receive<WindowCompleted>(done =>
        {
            if (done.Run != _runNumber) return;
            if (done.Window != _window)
            {
                Fail(new ExperimentFailed($"partition {done.Index} completed window {done.Window} while window {_window} was open"));
                return;
            }
            _nextEvent = Math.Min(_nextEvent, done.NextEventTime);
            _eventsByPartition[done.Index] = done.EventsProcessed;
            for (var p = 0; p < _count; p++) _expected[p] += done.BatchesTo[p];
            if (--_outstanding == 0) GrantNext();
        });
        Receive<QueryServers>(Query);
        Receive<ServersSnapshot>(QueryAnswered);
        Receive<ExperimentFailed>(Fail);
        Receive<StartExperiment>(_ => Sender.Tell(new ExperimentFailed("an experiment is already running")));
    }

    private void GrantNext()
    {
        var window = _schedule!.Next(_nextEvent);
        var expected = _expected;
        _expected = new int[_count];
        _outstanding = _count;
        _nextEvent = long.MaxValue;
        if (window is not { } w)
        {
            for (var p = 0; p < _count; p++) _partitions[p].Tell(new FinishRun(_runNumber, _schedule.EndTime, _window, expected[p]));
            Become(Finishing);
            return;
        }
        _window++;
        for (var p = 0; p < _count; p++) _partitions[p].Tell(new GrantWindow(_runNumber, _window, w.Start, w.End, expected[p]));
        if (w.Start - _lastProgress >= _schedule.ProgressInterval || _window == 0)
        {
            _lastProgress = w.Start;
            _client.Tell(new RunProgress(w.Start, _schedule.EndTime, _window, _eventsByPartition.Sum()));
        }
    }

    private void Finishing()
    {
        WatchMembers(anyMember: false);
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
                report.BusyMicroseconds, report.WallMicroseconds);
            if (--_outstanding > 0) return;
            _run.Stop();
            foreach (var q in _queries.Values) q.Asker.Tell(new ServersSnapshot(q.ClientId, -1, ResultsCodec.Encode(new ResultsBuilder())));
            _queries.Clear();
            _client.Tell(new ExperimentCompleted(ResultsCodec.Encode(_results), _window + 1, _lookahead, _stats,
                _build.Elapsed.Ticks / 10, _run.Elapsed.Ticks / 10));
            _results = new ResultsBuilder();
            Context.SetReceiveTimeout(null);
            Become(Idle);
        });
        Receive<ExperimentFailed>(Fail);
        Receive<StartExperiment>(_ => Sender.Tell(new ExperimentFailed("an experiment is already running")));
    }

    private void Fail(ExperimentFailed failed)
    {
        Context.SetReceiveTimeout(null);
        _log.Error("experiment failed: {0}", failed.Reason);
        _client.Tell(failed);
        Become(Idle);
    }
}
