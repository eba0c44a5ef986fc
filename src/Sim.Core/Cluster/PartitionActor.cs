using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;
using Directive = DcSim.SimCore.Kernel.Directive;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// The actor that owns one <see cref="Partition"/> (a sharded entity, one per partition index) and
/// runs it window by window as the coordinator grants them.
/// </summary>
/// <remarks>
/// A grant is run only once every batch the other partitions produced in the previous window has
/// arrived: batches travel directly between partitions, on a different path from the grant, so the
/// grant carries their count. The partition sends each destination at most a few batch messages per
/// window (chunks of <see cref="MaxEventsPerBatch"/> events and of <see cref="CheckpointPart.MaxBytes"/> of
/// parcel bytes, under the remoting frame size), then reports to the coordinator. Wall time inside
/// <see cref="Partition.RunUntil"/> is measured for the synchronisation-overhead figures only; it never feeds
/// back into the simulation.
/// </remarks>
public sealed class PartitionActor : ReceiveActor
{
    /// <summary>~74 B per serialized event: 16,000 events stay below 1.2 MB per message.</summary>
    public const int MaxEventsPerBatch = 16_000;

    private readonly IModelFactory _model;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<long, List<EventBatch>> _inbox = new();
    // New for each attempt: threads of an abandoned attempt's local windows may still be timing the old ones.
    private Stopwatch _wall = new();
    private Stopwatch _busy = new();
    private Partition? _partition;
    private IActorRef[] _directory = [];
    private IActorRef _coordinator = ActorRefs.Nobody;
    private GrantWindow? _pendingGrant;
    private FinishRun? _pendingFinish;
    private long _run = -1;
    /// <summary>An init that restores the partition from a checkpoint, waiting for its pieces.</summary>
    private InitPartition? _restore;
    private readonly SortedDictionary<int, CheckpointPart> _restoreParts = [];

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
        Receive<PartitionDirectory>(d => _directory = d.Partitions);
        Receive<JoinLocalWindows>(j =>
        {
            // From now on the windows' threads run the partition; this actor touches it only when the coordinator says (they are parked).
            if (j.Run == _run && _partition is not null) j.Windows.Attach(_partition, _busy, _wall);
        });
        Receive<GrantWindow>(g =>
        {
            if (g.Run != _run) return;   // left over from an earlier run
            if (_partition is null)
            {
                // Only a restarted (hence empty) partition gets a grant without having been built.
                Sender.Tell(new ExperimentFailed($"a partition received window {g.Window} without being initialised (was it restarted or moved?)", g.Run));
                return;
            }
            _pendingGrant = g;
            TryRun();
        });
        Receive<EventBatch>(b =>
        {
            if (b.Run != _run) return;
            if (!_inbox.TryGetValue(b.Window, out var list)) _inbox[b.Window] = list = [];
            list.Add(b);
            TryRun();
        });
        Receive<FinishRun>(f =>
        {
            if (f.Run != _run) return;
            _pendingFinish = f;
            TryRun();
        });
        Receive<AbandonRun>(a =>
        {
            // Of another run (an earlier one, or one this partition was never built for): nothing to drop.
            if (a.Run != _run && a.Run != _restore?.Run) return;
            // A stopped run: its model goes, and whatever of it is still in flight is dropped for its run number.
            _partition = null;
            _inbox.Clear();
            _pendingGrant = null;
            _pendingFinish = null;
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
    /// A directive at the barrier where the run holds: the coordinator grants nothing until every partition has answered. The last window's
    /// batches may still wait in the inbox: they hold events at or after the held time only, and are taken before the next grant runs.
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
            Sender.Tell(new PartitionReady(init.Run, init.Index, _partition.NextEventTime, OwnAddress));
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
            var partition = _model.BuildPartition(scenario, init.Count, init.Index);
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
            _partition = create();
            _run = init.Run;
            _inbox.Clear();
            _pendingGrant = null;
            _pendingFinish = null;
            _wall = new Stopwatch();
            _busy = new Stopwatch();
            _coordinator.Tell(new PartitionReady(init.Run, init.Index, _partition.NextEventTime, OwnAddress));
        }
        catch (Exception ex)
        {
            _partition = null;
            _log.Error(ex, "partition {0} could not be built", init.Index);
            _coordinator.Tell(new ExperimentFailed($"partition {init.Index}: {ex.Message}", init.Run));
        }
    }

    private string OwnAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    private void TryRun()
    {
        if (_partition is null) return;
        try
        {
            if (_pendingGrant is { } grant && TakeBatches(grant.Window - 1, grant.ExpectedBatches))
            {
                _pendingGrant = null;
                RunWindow(grant);
            }
            if (_pendingFinish is { } finish && _pendingGrant is null && TakeBatches(finish.LastWindow, finish.ExpectedBatches))
            {
                _pendingFinish = null;
                var results = ResultsCodec.Encode(_partition.Report(finish.EndTime));
                // A report too big for remoting would be dropped and the run would wait for it until its silence limit: fail it now.
                if (results.Length > PartitionReport.MaxRemoteBytes && !_coordinator.Path.Address.HasLocalScope)
                    throw new InvalidOperationException($"its results are {results.Length >> 20} MiB, more than the {PartitionReport.MaxRemoteBytes >> 20} MiB "
                        + "a report may carry to another process: capture fewer ports or fewer frames (pcap.limit), or run on one process");
                _wall.Stop();
                _coordinator.Tell(new PartitionReport(_run, _partition.Index, results, _partition.EventsProcessed,
                    _busy.Elapsed.Ticks / 10, _wall.Elapsed.Ticks / 10));
            }
        }
        catch (Exception ex)
        {
            // A broken invariant ends the run: reporting it beats restarting with a half-run partition.
            _busy.Stop();
            _log.Error(ex, "partition {0} failed", _partition.Index);
            _coordinator.Tell(new ExperimentFailed($"partition {_partition.Index}: {ex.Message}", _run));
            _partition = null;
        }
    }

    /// <summary>Delivers the batches of <paramref name="window"/> once all <paramref name="expected"/> of them are here.</summary>
    private bool TakeBatches(long window, int expected)
    {
        var have = _inbox.TryGetValue(window, out var list) ? list.Count : 0;
        if (have < expected) return false;
        if (have > expected) throw new InvalidOperationException($"partition {_partition!.Index}: {have} batches for window {window}, expected {expected}");
        if (list is not null)
        {
            foreach (var batch in list) _partition!.Deliver(batch.Events);
            _partition!.DeliverParcels(ParcelPiece.Join(list));
            _inbox.Remove(window);
        }
        return true;
    }

    private void RunWindow(GrantWindow grant)
    {
        var partition = _partition!;
        if (!_wall.IsRunning) _wall.Start();
        if (grant.Checkpoint && SendCheckpoint(partition, _run, grant.Window, grant.Start, _coordinator) is { } problem)
            _log.Warning("partition {0}: no checkpoint before window {1}: {2}", partition.Index, grant.Window, problem);
        _busy.Start();
        partition.RunUntil(grant.End);
        _busy.Stop();
        var sent = new int[partition.PartitionCount];
        var next = partition.NextEventTime;
        for (var p = 0; p < partition.PartitionCount; p++)
        {
            if (!partition.HasOutbox(p)) continue;
            var events = partition.TakeOutbox(p);
            foreach (var e in events) next = Math.Min(next, e.Time);
            var parcels = ParcelPiece.Split(partition.TakeParcels(p));
            var batches = Math.Max((events.Count + MaxEventsPerBatch - 1) / MaxEventsPerBatch, parcels.Count);
            for (var i = 0; i < batches; i++)
            {
                var offset = Math.Min(i * MaxEventsPerBatch, events.Count);
                var chunk = events.GetRange(offset, Math.Min(MaxEventsPerBatch, events.Count - offset)).ToArray();
                _directory[p].Tell(new EventBatch(_run, partition.Index, grant.Window, chunk, i < parcels.Count ? parcels[i] : []));
                sent[p]++;
            }
        }
        _coordinator.Tell(new WindowCompleted(_run, partition.Index, grant.Window, next, sent, partition.EventsProcessed));
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
}
