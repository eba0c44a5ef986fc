using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Event;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Cluster.Channel;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;
using Directive = DcSim.SimCore.Kernel.Directive;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// The actor that owns one <see cref="Partition"/> (a sharded entity, one per partition index) and, unless every partition is in the
/// coordinator's process (<see cref="LocalWindows"/>), runs its windows in stretches the coordinator releases (<see cref="ReleaseStretch"/>).
/// </summary>
/// <remarks>
/// Peer windows: after each window the partition tells every other partition, in one <see cref="PeerWindow"/>, what it made for it, its
/// earliest event held or sent, and whether it wants to park; once it has every peer's word on the window it delivers their events and
/// decides the next window itself with the coordinator's <see cref="WindowSchedule"/>. Every partition decides from the same inputs, so all
/// decide alike: no round trip through the coordinator per window. They park after a window when any of them wanted to (the coordinator
/// asked, <see cref="ParkStretch"/>, or its own wall clock passed the stretch's limit) or the deterministic rule says so (the next window
/// would start at or after the stretch's stop time, or the run is over), and each says where (<see cref="StretchParked"/>); partition 0 tells
/// progress on the way. A window that made more than fits in one message sends chunks ahead (<see cref="EventBatch"/>: at most
/// <see cref="MaxEventsPerBatch"/> events and <see cref="CheckpointPart.MaxBytes"/> of parcel bytes each, under the remoting frame size).
/// Windows for a peer in another process go over the process's <see cref="DataChannel"/> when both processes have one (the directory
/// says, <see cref="PartitionDirectory.DataEndpoints"/>), else through Akka; a peer in this process gets a local Tell.
/// Wall time decides only where the stretch parks, never which events run; inside <see cref="Partition.RunUntil"/> it is measured for the
/// synchronisation-overhead figures only.
/// </remarks>
public sealed class PartitionActor : ReceiveActor
{
    /// <summary>~74 B per serialized event: 16,000 events stay below 1.2 MB per message.</summary>
    public const int MaxEventsPerBatch = 16_000;

    private readonly IModelFactory _model;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PeerInbox _inbox = new(0, 1);
    // New for each attempt: threads of an abandoned attempt's local windows may still be timing the old ones.
    private Stopwatch _wall = new();
    private Stopwatch _busy = new();
    /// <summary>The process's allocations and collections when this run's first stretch began (what the report counts from).</summary>
    private ProcessMemory _memoryAtStart;
    private Partition? _partition;
    private IActorRef[] _directory = [];
    /// <summary>This process's data channel (null: windows go through Akka), and by index the link to each peer in another process that has one.</summary>
    private readonly DataChannel? _channel = DataChannelExtension.For(Context.System);
    private PeerLink?[] _links = [];
    /// <summary>Where this process's channel leaves the frames for this partition (null without a channel).</summary>
    private FrameHandoff? _handoff;
    /// <summary>How long the next wait for peers' frames polls before it blocks (<see cref="AdvanceOrWait"/>).</summary>
    private long _spinTicks = DataChannel.SpinTicks;
    private IActorRef _coordinator = ActorRefs.Nobody;
    /// <summary>The stretch under way (null while parked), the window being run or waited for, and what this partition said of it.</summary>
    private ReleaseStretch? _stretch;
    private WindowSchedule _schedule = new(1, 0, 1);
    private long _window;
    private long _start;
    private long _end;
    /// <summary>Every partition's end of the window being run, by index (<see cref="WindowSchedule.Ends"/>; <see cref="_end"/> is this one's).</summary>
    private long[] _ends = [];
    private long _lastProgress;
    private long _wallStopAt;
    private bool _parkWanted;
    private PeerWindow? _own;
    /// <summary>By peer: what the window run made for it, and the list its outbox hands back next (reused, so windows allocate no lists).</summary>
    private Outgoing[] _sent = [];
    private List<SimEvent>?[] _spareOutbox = [];
    private static readonly List<SimEvent> NoEvents = [];
    private static readonly List<ParcelPiece[]> NoParcels = [];
    private long _run = -1;
    /// <summary>An init that restores the partition from a checkpoint, waiting for its pieces.</summary>
    private InitPartition? _restore;
    private readonly SortedDictionary<int, CheckpointPart> _restoreParts = [];

    /// <summary>
    /// Partitions of one process build (or restore) one at a time. Built at once, the two builders' objects alternate in the heap, and
    /// once their threads run side by side (<see cref="LocalWindows"/>) the cache lines the two partitions share bounce between the
    /// cores: measured, each event then cost 215-387 ns instead of 185-195 ns, and 2 partitions ran the 1 Gb/s large fabric in 0.41-0.61 s
    /// instead of 0.37-0.39 s (docs/benchmarks.md, "where the third went"). The wait is at most the other partitions' builds, once per run.
    /// </summary>
    private static readonly Lock BuildGate = new();

    public PartitionActor(IModelFactory model)
    {
        _model = model;
        Receive<InitPartition>(Init);
        Receive<CheckpointPart>(part =>
        {
            // Pieces of an earlier attempt's checkpoint, or repeated ones, are dropped.
            if (_restore is not { } restore || part.Run != restore.Run) return;
            _restoreParts.TryAdd(part.Part, part);
            TryRestore();
        });
        Receive<PartitionDirectory>(d =>
        {
            _directory = d.Partitions;
            // A peer in this process keeps the local Tell; one in a process with a channel gets its windows over it (connecting now).
            _links = [.. d.DataEndpoints.Select(e => _channel is { } channel && e.Length > 0 && e != channel.Endpoint ? channel.Link(e) : null)];
        });
        Receive<JoinLocalWindows>(j =>
        {
            // From now on the windows' threads run the partition; this actor touches it only when the coordinator says (they are parked).
            if (j.Run != _run || _partition is null) return;
            _memoryAtStart = ProcessMemory.Now();
            j.Windows.Attach(_partition, _busy, _wall);
        });
        Receive<ReleaseStretch>(s =>
        {
            if (s.Run != _run) return;   // left over from an earlier run
            if (_partition is null)
            {
                // Only a restarted (hence empty) partition gets a stretch without having been built.
                Sender.Tell(new ExperimentFailed($"a partition received window {s.Window} without being initialised (was it restarted or moved?)", s.Run));
                return;
            }
            Safely(() => Begin(s));
        });
        Receive<ParkStretch>(p =>
        {
            if (p.Run == _run && _stretch?.Window == p.Stretch) _parkWanted = true;
        });
        Receive<EventBatch>(b => FromPeer(b.Run, b.Window, () => _inbox.Add(b)));
        Receive<PeerWindow>(w => FromPeer(w.Run, w.Window, () => _inbox.Add(w)));
        // Frames the channel left while this actor was not waiting for them (a stale registration's are of a stale run: dropped).
        Receive<FrameHandoff>(h =>
        {
            if (_partition is null) return;
            Safely(() =>
            {
                if (TakeFrames(h) && Advance()) RunWindows();
            });
        });
        // A partition of one has no peer to wait for: its next window comes through the mailbox, so that a park request is seen.
        Receive<NextWindow>(n =>
        {
            if (n.Run == _run && _stretch is not null && _partition is not null) Safely(RunWindows);
        });
        Receive<FinishRun>(f =>
        {
            if (f.Run == _run && _partition is not null) Safely(() => Report(f));
        });
        Receive<AbandonRun>(a =>
        {
            // Of another run (an earlier one, or one this partition was never built for): nothing to drop.
            if (a.Run != _run && a.Run != _restore?.Run) return;
            // A stopped run: its model goes, and whatever of it is still in flight is dropped for its run number.
            _partition = null;
            _inbox.Clear();
            _stretch = null;
            _own = null;
            _restore = null;
            _restoreParts.Clear();
        });
        Receive<PartitionDirective>(Apply);
        // Messages are handled between windows only, so the counters read here form a consistent cut.
        Receive<QueryServers>(q => Sender.Tell(_partition is null
            ? new ServersSnapshot(q.QueryId, -1, ResultsCodec.Encode(new ResultsBuilder()))
            : new ServersSnapshot(q.QueryId, _partition.CompletedUntil, ResultsCodec.Encode(_partition.SnapshotCounters(q.Listing)))));
    }

    /// <summary>
    /// A directive at the barrier where the run holds (the partitions are parked, every event delivered): the coordinator releases nothing
    /// until every partition has answered.
    /// </summary>
    private void Apply(PartitionDirective d)
    {
        if (d.Run != _run || _partition is not { } partition) return;
        try
        {
            var result = partition.Apply(new Directive(d.Id, d.Time, d.Verb, d.Arguments));
            Sender.Tell(new DirectiveOutcome(_run, d.Id, partition.Index, result is not null, result?.Accepted ?? false, result?.Detail ?? "",
                result?.Entities ?? [], partition.NextEventTime));
        }
        catch (Exception ex)
        {
            _log.Error(ex, "partition {0} failed applying directive {1} ({2})", partition.Index, d.Id, d.Verb);
            _coordinator.Tell(new ExperimentFailed($"partition {partition.Index}, applying directive {d.Id} ({d.Verb}): {ex.Message}", _run));
            _partition = null;
        }
    }

    public static Props Props(IModelFactory model) => Akka.Actor.Props.Create(() => new PartitionActor(model));

    private void Init(InitPartition init)
    {
        if (init.Run == _run && _partition is not null)
        {
            // The coordinator repeats an init until it hears from the partition (while a lost member's shards move):
            // this one is built already, for this very attempt, so it only answers again.
            Sender.Tell(new PartitionReady(init.Run, init.Index, _partition.NextEventTime, OwnAddress, DataEndpoint));
            return;
        }
        _coordinator = Sender;
        if (init.RestoreParts > 0)
        {
            if (_restore?.Run == init.Run) return;   // a repeated init: the pieces asked for are on their way
            _restoreParts.Clear();
            _restore = init;
            Sender.Tell(new RestoreWanted(init.Run, init.Index));
            return;
        }
        Ready(init, () =>
        {
            var scenario = ScenarioLoader.Parse(init.ScenarioHocon, "<scenario sent by the coordinator>", init.BaseDirectory, _model);
            var partition = _model.BuildPartition(scenario, init.Count, init.PartitionOfLp, init.Index);
            partition.AttachCaptures(scenario.Capture);
            partition.Start();
            return partition;
        });
    }

    /// <summary>Restores the partition once every piece of its checkpoint is here: it goes on from the barrier as it stood then.</summary>
    private void TryRestore()
    {
        if (_restore is not { } init || _restoreParts.Count < init.RestoreParts) return;
        var bytes = CheckpointPart.Join([.. _restoreParts.Values]);
        _restore = null;
        _restoreParts.Clear();
        Ready(init, () =>
        {
            var partition = PartitionCheckpoint.Restore(bytes);
            return partition.Index == init.Index ? partition
                : throw new CheckpointException($"the checkpoint sent for partition {init.Index} holds partition {partition.Index}");
        });
    }

    /// <summary>Takes the partition <paramref name="create"/> builds or restores as this attempt's, and says so; or reports why it cannot.</summary>
    private void Ready(InitPartition init, Func<Partition> create)
    {
        try
        {
            lock (BuildGate) _partition = create();
            _run = init.Run;
            _inbox = new PeerInbox(init.Index, init.Count);
            _stretch = null;
            _own = null;
            _wall = new Stopwatch();
            _busy = new Stopwatch();
            _handoff = _channel?.Register(init.Index, Self);
            _coordinator.Tell(new PartitionReady(init.Run, init.Index, _partition.NextEventTime, OwnAddress, DataEndpoint));
        }
        catch (Exception ex)
        {
            _partition = null;
            _log.Error(ex, "partition {0} could not be built", init.Index);
            _coordinator.Tell(new ExperimentFailed($"partition {init.Index}: {ex.Message}", init.Run));
        }
    }

    private string OwnAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    private string DataEndpoint => _channel?.Endpoint ?? "";

    /// <summary>Runs <paramref name="step"/>; a broken invariant ends the run: reporting it beats going on with a half-run partition.</summary>
    private void Safely(Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            _busy.Stop();
            _log.Error(ex, "partition {0} failed", _partition!.Index);
            _coordinator.Tell(new ExperimentFailed($"partition {_partition.Index}: {ex.Message}", _run));
            _partition = null;
            _stretch = null;
        }
    }

    /// <summary>Takes in what a peer sent of this run (<paramref name="add"/>), and goes on if it completes the window this partition waits on.</summary>
    private void FromPeer(long run, long window, Action add)
    {
        if (run != _run || _partition is null) return;
        Safely(() =>
        {
            add();
            if (_own?.Window == window && Advance()) RunWindows();
        });
    }

    /// <summary>Takes into the inbox the frames the channel left for this run (others are stale: dropped); false if there were none.</summary>
    private bool TakeFrames(FrameHandoff handoff)
    {
        var any = false;
        while (handoff.TryTake(out var frame))
        {
            any = true;
            switch (frame)
            {
                case PeerWindow w when w.Run == _run: _inbox.Add(w); break;
                case EventBatch b when b.Run == _run: _inbox.Add(b); break;
            }
        }
        return any;
    }

    /// <summary>A private tick: run the window decided last (a partition of one).</summary>
    private sealed record NextWindow(long Run);

    private void Begin(ReleaseStretch stretch)
    {
        var partition = _partition!;
        _stretch = stretch;
        _schedule = stretch.Schedule();
        (_window, _start, _end, _lastProgress) = (stretch.Window, stretch.Start, stretch.End, stretch.LastProgress);
        _ends = new long[partition.PartitionCount];
        Array.Fill(_ends, stretch.End);
        partition.RunWithin(_ends);
        _parkWanted = false;
        var wallTicks = stretch.WallMicroseconds >= long.MaxValue / Stopwatch.Frequency ? long.MaxValue : stretch.WallMicroseconds * Stopwatch.Frequency / 1_000_000;
        _wallStopAt = wallTicks == long.MaxValue ? long.MaxValue : Stopwatch.GetTimestamp() + wallTicks;
        if (!_wall.IsRunning)
        {
            _wall.Start();
            _memoryAtStart = ProcessMemory.Now();
        }
        if (stretch.Checkpoint && SendCheckpoint(partition, _run, stretch.Window, stretch.Start, _coordinator) is { } problem)
            _log.Warning("partition {0}: no checkpoint before window {1}: {2}", partition.Index, stretch.Window, problem);
        RunWindows();
    }

    /// <summary>
    /// Runs windows for as long as each one's peers' words are here, or come while this actor waits for them (<see cref="AdvanceOrWait"/>:
    /// only when every peer is in another process on the channel). Meanwhile this partition's thread reads the channel's connections
    /// itself (<see cref="DataChannel.EnterHot"/>).
    /// </summary>
    private void RunWindows()
    {
        // A peer in this process (or on Akka) tells its words to the mailbox, which a wait here would not see: then none.
        var hot = _handoff is not null && _channel is { WaitTicks: > 0 } && _links.Where((_, p) => p != _partition!.Index).All(l => l is not null);
        if (hot) _channel!.EnterHot();
        try
        {
            do RunWindow();
            while (hot ? AdvanceOrWait() : Advance());
        }
        finally
        {
            if (hot) _channel!.LeaveHot();
        }
    }

    /// <summary>
    /// Decides the next window once the peers' words on the one run are here: true to run it now. Words that come over the channel are
    /// waited for here, on this actor's thread, which reads the sockets itself: first polling them (<see cref="DataChannel.SpinTicks"/>, or
    /// <see cref="DataChannel.ShortSpinTicks"/> after a window whose words came later),
    /// then blocked in the system's poll until a frame lands, up to the channel's wait (<see cref="DataChannel.WaitTicks"/>). So a crossing
    /// wakes no other thread (the channel's reader, the mailbox's), and a peer a window behind costs no core. Past the wait the actor
    /// returns to its mailbox (a park request, a lost peer), and the channel's reader tells it when frames come.
    /// </summary>
    private bool AdvanceOrWait()
    {
        if (Advance()) return true;
        if (_own is null || _handoff is not { } handoff || _channel is not { } channel) return false;
        var advanced = false;
        var began = Stopwatch.GetTimestamp();
        handoff.Waiting = true;
        try
        {
            while (_own is not null && !advanced)
            {
                channel.Pump();
                if (TakeFrames(handoff))
                {
                    advanced = Advance();
                    continue;
                }
                var waited = Stopwatch.GetTimestamp() - began;
                if (waited >= channel.WaitTicks) break;
                if (waited >= _spinTicks)
                    channel.WaitForFrames((channel.WaitTicks - waited) * 1_000_000 / Stopwatch.Frequency);
            }
        }
        finally
        {
            handoff.Waiting = false;
            _spinTicks = Stopwatch.GetTimestamp() - began <= DataChannel.SpinTicks ? DataChannel.SpinTicks : DataChannel.ShortSpinTicks;
        }
        // Frames left after the last look came without a token: take them now.
        var late = TakeFrames(handoff);
        return advanced || late && Advance();
    }

    /// <summary>Runs the window decided and tells every peer what it made for it.</summary>
    private void RunWindow()
    {
        var partition = _partition!;
        _busy.Start();
        partition.RunUntil(_end);
        _busy.Stop();
        var held = partition.NextEventTime;
        var next = held;
        if (_sent.Length != partition.PartitionCount) (_sent, _spareOutbox) = (new Outgoing[partition.PartitionCount], new List<SimEvent>[partition.PartitionCount]);
        for (var p = 0; p < partition.PartitionCount; p++)
        {
            if (p == partition.Index) continue;
            if (!partition.HasOutbox(p))
            {
                _sent[p] = new Outgoing(NoEvents, NoParcels);
                continue;
            }
            // The outbox goes on with the list this window's events leave behind once sent: a window allocates no list.
            var spare = _spareOutbox[p] ?? [];
            spare.Clear();
            var events = partition.TakeOutbox(p, spare);
            foreach (var e in events) next = Math.Min(next, e.Time);
            _sent[p] = new Outgoing(events, partition.HasParcels(p) ? ParcelPiece.Split(partition.TakeParcels(p)) : NoParcels);
        }
        var park = _parkWanted || Stopwatch.GetTimestamp() >= _wallStopAt;
        _own = new PeerWindow(_run, partition.Index, _window, next, held, park, partition.EventsProcessed, 0, [], []);
        for (var p = 0; p < partition.PartitionCount; p++)
        {
            if (p == partition.Index) continue;
            var (events, parcels) = _sent[p];
            var chunks = Math.Max(1, Math.Max((events.Count + MaxEventsPerBatch - 1) / MaxEventsPerBatch, parcels.Count));
            for (var i = 0; i < chunks; i++)
            {
                var offset = Math.Min(i * MaxEventsPerBatch, events.Count);
                var chunk = CollectionsMarshal.AsSpan(events).Slice(offset, Math.Min(MaxEventsPerBatch, events.Count - offset));
                var pieces = i < parcels.Count ? parcels[i] : [];
                // Over the channel the frame takes the events from the list itself; a Tell needs them in an array of their own.
                var carried = _links[p] is null ? chunk.ToArray() : [];
                object message = i < chunks - 1
                    ? new EventBatch(_run, partition.Index, _window, carried, pieces)
                    : _own with { Batches = chunks - 1, Events = carried, Parcels = pieces };
                if (_links[p] is { } link) link.Send(p, message, chunk);
                else _directory[p].Tell(message);
            }
            if (!ReferenceEquals(events, NoEvents)) _spareOutbox[p] = events;
        }
    }

    /// <summary>
    /// Once every peer's word on the window run is here: takes in their events and decides, as each of them does from the same words, the
    /// next window or to park. True when the next window is to run now (false: not every word is here, parked, or a partition of one,
    /// whose next window comes through the mailbox).
    /// </summary>
    private bool Advance()
    {
        var partition = _partition!;
        if (_own is not { } own || _stretch is not { } stretch || _inbox.Take(own.Window) is not var (peers, batches)) return false;
        _own = null;
        var parcels = false;
        foreach (var batch in batches)
        {
            partition.Deliver(batch.Events);
            parcels |= batch.Parcels.Length > 0;
        }
        // Most windows carry no parcel: joining none would still cost the query's allocations every window.
        if (parcels) partition.DeliverParcels(ParcelPiece.Join(batches));
        var earliest = own.NextEventTime;
        var park = own.Park;
        var events = own.EventsProcessed;
        Span<long> earliestOf = stackalloc long[_ends.Length];
        Span<long> heldOf = stackalloc long[_ends.Length];
        (earliestOf[partition.Index], heldOf[partition.Index]) = (own.NextEventTime, own.Held);
        foreach (var peer in peers)
        {
            earliest = Math.Min(earliest, peer.NextEventTime);
            (earliestOf[peer.From], heldOf[peer.From]) = (peer.NextEventTime, peer.Held);
            park |= peer.Park;
            events += peer.EventsProcessed;
        }
        // Each tells what it holds and what it held or sent, as the threads of one process do (LocalWindows): the same ends. Wanting to
        // park, the partitions first run to where the furthest stands (the schedule aligns them), then park.
        if (!_schedule.Ends(_ends, heldOf, earliestOf, stretch.HoldAt, park || earliest >= stretch.StopAt, _ends))
        {
            _stretch = null;
            _coordinator.Tell(new StretchParked(_run, partition.Index, _window, _start, _end, earliest, _lastProgress, partition.EventsProcessed));
            return false;
        }
        (_start, _end) = (earliest, _ends[partition.Index]);
        _window++;
        if (_start - _lastProgress >= _schedule.ProgressInterval)
        {
            _lastProgress = _start;
            if (partition.Index == 0) _coordinator.Tell(new StretchProgressed(_run, _window, _start, events));
        }
        if (peers.Length > 0) return true;
        Self.Tell(new NextWindow(_run));
        return false;
    }

    private void Report(FinishRun finish)
    {
        var partition = _partition!;
        var results = ResultsCodec.Encode(partition.Report(finish.EndTime));
        // A report too big for remoting would be dropped and the run would wait for it until its silence limit: fail it now.
        if (results.Length > PartitionReport.MaxRemoteBytes && !_coordinator.Path.Address.HasLocalScope)
            throw new InvalidOperationException($"its results are {results.Length >> 20} MiB, more than the {PartitionReport.MaxRemoteBytes >> 20} MiB "
                + "a report may carry to another process: capture fewer ports or fewer frames (pcap.limit), or run on one process");
        _wall.Stop();
        _coordinator.Tell(new PartitionReport(_run, partition.Index, results, partition.EventsProcessed, _busy.Elapsed.Ticks / 10, _wall.Elapsed.Ticks / 10,
            ProcessMemory.Now() - _memoryAtStart));
    }

    /// <summary>
    /// Sends <paramref name="partition"/>'s checkpoint before window <paramref name="window"/> to the coordinator, in pieces. The cut: every
    /// event sent before this window is in the heap, none of this window has run. A checkpoint that cannot be taken costs the run its
    /// checkpoints, not the run: the coordinator hears why (<see cref="CheckpointFailed"/>), which is also returned.
    /// </summary>
    internal static string? SendCheckpoint(Partition partition, long run, long window, long start, IActorRef coordinator)
    {
        try
        {
            var checkpoint = PartitionCheckpoint.Save(partition);
            foreach (var part in CheckpointPart.Split(run, partition.Index, window, start, checkpoint)) coordinator.Tell(part);
            return null;
        }
        catch (CheckpointException ex)
        {
            coordinator.Tell(new CheckpointFailed(run, partition.Index, window, ex.Message));
            return ex.Message;
        }
    }

    private readonly record struct Outgoing(List<SimEvent> Events, List<ParcelPiece[]> Parcels);
}
