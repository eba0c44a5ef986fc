using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// Runs the windows of partitions that all live in the coordinator's process on a thread each, synchronised through shared memory:
/// a barrier per window instead of a round of actor messages through the coordinator.
/// </summary>
/// <remarks>
/// What it replaces: per window, the coordinator's grant to every partition, the partitions' event batches to each other and
/// their completions back (~50 µs with 2 partitions, as each message hops between thread-pool threads). Here each partition's
/// thread runs the window, puts what it sent each other partition in a slot of its own, and meets the others at a barrier; the
/// last to arrive computes the next window from everyone's earliest event with the coordinator's own <see cref="WindowSchedule"/>,
/// so windows are cut exactly where the coordinator would cut them; each thread then takes the slots addressed to it and runs on.
/// Slots alternate by window parity: a fast thread writes the next window's slots while a slow one still reads this window's. A slot
/// holds the sender's outbox list itself; the receiver empties it, and the sender writes to it again two windows later: no window
/// allocates.
///
/// Akka keeps the partitions (their actors build, restore, query and report them) and the protocol: the coordinator grants a
/// window (a <see cref="Stretch"/>) and the threads go on from it by themselves until the coordinator needs a barrier: the run
/// ends, the next window would start at or after a time it must act at (a hold, a directive applied again, a checkpoint's
/// simulated or wall time), or it asked them to stop (a pause, a run-until, a query with listings). They then park, every event delivered,
/// and say where (<see cref="LocalWindowsParked"/>); the partitions' actors may touch their partitions only while the threads
/// are parked, which the coordinator sees to: it sends them nothing else meanwhile. Progress is told on the way
/// (<see cref="LocalWindowsProgressed"/>) by the same rule as at a grant, and a query for counters only is answered on the way: each
/// thread snapshots its partition at the next barrier (<see cref="SnapshotAtNextBarrier"/>). One partition runs its windows back to back.
///
/// Threads spin for a short while at the barrier and when parked, then block (<see cref="SpinGate"/>); they are not pinned to
/// cores (pinned, the second run of a process ran 20-40 % slower: docs/benchmarks.md). A partition that throws
/// fails the run (<see cref="ExperimentFailed"/>) and breaks the barrier so that the other threads end; so does
/// <see cref="Dispose"/>. Wall time never feeds back into the simulation: only into when the threads park.
/// </remarks>
public sealed class LocalWindows : IDisposable
{
    /// <summary>
    /// Run window <paramref name="Window"/> = [<paramref name="Start"/>, <paramref name="End"/>) (checkpointing each partition first
    /// when <paramref name="Checkpoint"/>), then the following windows, each ending at <paramref name="HoldAt"/> at the latest, until
    /// the next would start at or after <paramref name="StopAt"/> or the wall clock (<see cref="Stopwatch.GetTimestamp"/>) reaches
    /// <paramref name="WallStopAt"/>. <paramref name="LastProgress"/>: where progress was last told.
    /// </summary>
    public sealed record Stretch(long Window, long Start, long End, bool Checkpoint, long HoldAt, long StopAt, long WallStopAt, long LastProgress);

    private sealed record Member(Partition Partition, Stopwatch Busy, Stopwatch Wall, WindowTrace? Trace);

    private readonly long _run;
    private readonly int _count;
    private readonly WindowSchedule _schedule;
    private readonly IActorRef _coordinator;
    private readonly Member?[] _members;
    /// <summary>
    /// What each partition sent each other during a window, by window parity, then sender * count + receiver: the sender's outbox list
    /// itself, which the receiver empties after taking it in. Null when it sent nothing.
    /// </summary>
    private readonly List<SimEvent>?[][] _events;
    /// <summary>Parcels, as <see cref="_events"/> (rare: most windows send none).</summary>
    private readonly List<Parcel>?[][] _parcels;
    /// <summary>
    /// By sender * count + receiver: the list the sender's outbox goes on with after it hands one over, the one it handed over the time
    /// before. The receiver is done with it (and has emptied it) before the barrier after which the sender writes to it again, so
    /// two lists per pair serve every window: no allocation.
    /// </summary>
    private readonly List<SimEvent>[] _spare;
    /// <summary>Each partition's earliest event, held or sent, after the window just run, each on a cache line of its own.</summary>
    private readonly SpinGate.Line[] _next;
    private readonly SpinGate _barrier = new();
    private readonly SpinGate _release = new();
    private SpinGate.Line _arrived;
    private volatile bool _stopWanted;
    /// <summary>The query whose counters the threads snapshot at the next barrier (0: none), see <see cref="SnapshotAtNextBarrier"/>.</summary>
    private long _snapshotWanted;
    private Stretch? _stretch;
    // The window being run, and the leader's decision for the next: written by the last thread at the barrier, read by all after it.
    private long _window;
    private long _start;
    private long _end;
    /// <summary>Each partition's end of the window being run, by index (<see cref="WindowSchedule.Ends"/>): the leader rewrites it in place.</summary>
    private readonly long[] _ends;
    /// <summary>Each partition's earliest event it holds after the window (<see cref="_next"/> counts what it sent too).</summary>
    private readonly long[] _held;
    private readonly long[] _sent;
    private long _lastProgress;
    private long _earliest;
    private bool _park;
    private long _snapshot;

    public LocalWindows(long run, int count, WindowSchedule schedule, IActorRef coordinator)
    {
        _run = run;
        _count = count;
        _schedule = schedule;
        _coordinator = coordinator;
        _members = new Member?[count];
        _events = [new List<SimEvent>?[count * count], new List<SimEvent>?[count * count]];
        _parcels = [new List<Parcel>?[count * count], new List<Parcel>?[count * count]];
        _spare = new List<SimEvent>[count * count];
        for (var pair = 0; pair < _spare.Length; pair++) _spare[pair] = [];
        _next = new SpinGate.Line[count];
        _ends = new long[count];
        _held = new long[count];
        _sent = new long[count];
    }

    /// <summary>Takes partition <paramref name="partition"/> into the group and starts its thread, which waits for the first stretch.</summary>
    public void Attach(Partition partition, Stopwatch busy, Stopwatch wall)
    {
        var i = partition.Index;
        if (_members[i] is not null) throw new InvalidOperationException($"partition {i} joined the local windows twice");
        _members[i] = new Member(partition, busy, wall, WindowTrace.For(this, i));
        new Thread(() => Run(i)) { IsBackground = true, Name = $"dcsim-partition-{i}" }.Start();
    }

    /// <summary>Lets the parked threads run <paramref name="stretch"/>. Only while they are parked (or not yet started).</summary>
    public void Release(Stretch stretch)
    {
        _stretch = stretch;
        (_window, _start, _end, _lastProgress) = (stretch.Window, stretch.Start, stretch.End, stretch.LastProgress);
        Array.Fill(_ends, stretch.End);
        _stopWanted = false;
        _release.Open();
    }

    /// <summary>Asks the threads to park at the next barrier (the coordinator then hears where, <see cref="LocalWindowsParked"/>).</summary>
    public void ParkAtNextBarrier() => _stopWanted = true;

    /// <summary>
    /// Asks each thread for its partition's counters (<see cref="Partition.SnapshotCounters"/>, no listing) at the next barrier, once it
    /// has taken in that window's events; each sends them to the coordinator as the answer to query <paramref name="queryId"/>
    /// (<see cref="ServersSnapshot"/>) and runs on: nobody parks. Answers sent at a barrier where the threads also park reach the
    /// coordinator before <see cref="LocalWindowsParked"/>.
    /// </summary>
    public void SnapshotAtNextBarrier(long queryId) => Volatile.Write(ref _snapshotWanted, queryId);

    /// <summary>
    /// While parked: the query asked for by <see cref="SnapshotAtNextBarrier"/> that no barrier served (the threads were already on their
    /// way to park), now the caller's to serve, or 0.
    /// </summary>
    public long TakeUnservedSnapshot() => Interlocked.Exchange(ref _snapshotWanted, 0);

    /// <summary>Ends the threads: at once when parked, else once their window is run.</summary>
    public void Dispose()
    {
        _barrier.Break();
        _release.Break();
        // Here, not as the threads end: they are background threads, and the process may exit before they have written.
        foreach (var member in _members) member?.Trace?.Write();
    }

    private void Run(int index)
    {
        var member = _members[index]!;
        var partition = member.Partition;
        var released = 0L;
        var trace = member.Trace;
        try
        {
            while (_release.Wait(released))
            {
                released = _release.Generation;
                var stretch = _stretch!;
                var (window, end) = (stretch.Window, stretch.End);
                if (stretch.Checkpoint) PartitionActor.SendCheckpoint(partition, _run, window, stretch.Start, _coordinator);
                partition.RunWithin(_ends);
                while (true)
                {
                    if (!member.Wall.IsRunning) member.Wall.Start();
                    var began = trace is null ? 0 : Stopwatch.GetTimestamp();
                    var cpuBegan = trace is null ? 0 : WindowTrace.ThreadCpuNs();
                    var handled = partition.EventsProcessed;
                    member.Busy.Start();
                    partition.RunUntil(end);
                    member.Busy.Stop();
                    var ran = trace is null ? 0 : Stopwatch.GetTimestamp();
                    var runCpu = trace is null ? 0 : WindowTrace.ThreadCpuNs() - cpuBegan;
                    var cpuRan = trace is null ? 0 : Thread.GetCurrentProcessorId();
                    var parity = (int)(window & 1);
                    _held[index] = partition.NextEventTime;
                    _next[index].Value = HandOver(partition, index, parity, out var sent);
                    var handedOver = trace is null ? 0 : Stopwatch.GetTimestamp();
                    if (!Arrive(Decide)) return;
                    var passed = trace is null ? 0 : Stopwatch.GetTimestamp();
                    var received = TakeIn(partition, index, parity);
                    trace?.Add(new WindowTrace.Entry(window, began, ran, handedOver, passed, Stopwatch.GetTimestamp(), runCpu,
                        partition.EventsProcessed - handled, sent, received, GC.CollectionCount(0), cpuRan, Thread.GetCurrentProcessorId()));
                    if (_snapshot != 0)
                        _coordinator.Tell(new ServersSnapshot(_snapshot, partition.CompletedUntil, ResultsCodec.Encode(partition.SnapshotCounters())));
                    if (_park)
                    {
                        // Every thread has taken in its events before the coordinator hears: the partitions are a consistent cut.
                        if (!Arrive(Parked)) return;
                        break;
                    }
                    (window, end) = (_window, _ends[index]);
                }
            }
        }
        catch (Exception ex)
        {
            // A broken invariant ends the run, as on the actors' path; the other threads end at the broken barrier.
            member.Busy.Stop();
            _coordinator.Tell(new ExperimentFailed($"partition {index}: {ex.Message}", _run));
            Dispose();
        }
    }

    /// <summary>Leaves what <paramref name="partition"/> sent each other partition in this window's slots; its earliest event, held or sent.</summary>
    private long HandOver(Partition partition, int index, int parity, out int sent)
    {
        var next = partition.NextEventTime;
        sent = 0;
        for (var to = 0; to < _count; to++)
        {
            if (!partition.HasOutbox(to)) continue;
            var pair = index * _count + to;
            var events = partition.TakeOutbox(to, _spare[pair]);
            _spare[pair] = events;
            if (events.Count > 0)
            {
                sent += events.Count;
                foreach (ref readonly var e in CollectionsMarshal.AsSpan(events)) next = Math.Min(next, e.Time);
                _events[parity][pair] = events;
            }
            if (partition.HasParcels(to)) _parcels[parity][pair] = partition.TakeParcels(to);
        }
        return next;
    }

    /// <summary>Delivers what the other partitions left for <paramref name="partition"/> in this window's slots, emptying them; how many events.</summary>
    private int TakeIn(Partition partition, int index, int parity)
    {
        var received = 0;
        var events = _events[parity];
        var parcels = _parcels[parity];
        for (var from = 0; from < _count; from++)
        {
            var pair = from * _count + index;
            if (events[pair] is { } sent)
            {
                partition.Deliver(CollectionsMarshal.AsSpan(sent));
                received += sent.Count;
                sent.Clear();
                events[pair] = null;
            }
            if (parcels[pair] is { } kept)
            {
                partition.DeliverParcels(kept);
                parcels[pair] = null;
            }
        }
        return received;
    }

    /// <summary>Meets the other threads; the last to come runs <paramref name="leader"/> before anyone goes on. False once broken.</summary>
    private bool Arrive(Action leader)
    {
        var generation = _barrier.Generation;
        if (Interlocked.Increment(ref _arrived.Value) < _count) return _barrier.Wait(generation);
        _arrived.Value = 0;
        leader();
        _barrier.Open();
        return !_barrier.Broken;
    }

    /// <summary>The leader's step after a window: the next window as the coordinator would grant it, or park; a snapshot if one is wanted.</summary>
    private void Decide()
    {
        var stretch = _stretch!;
        var earliest = long.MaxValue;
        // What a partition held or sent stands for what it sent: no earlier, so the ends are safe.
        for (var k = 0; k < _count; k++) earliest = Math.Min(earliest, _sent[k] = _next[k].Value);
        _earliest = earliest;
        _snapshot = Volatile.Read(ref _snapshotWanted) == 0 ? 0 : Interlocked.Exchange(ref _snapshotWanted, 0);
        // Wanting to park, the partitions first run to where the furthest stands (the schedule aligns them), then park.
        var park = _stopWanted || earliest >= stretch.StopAt || Stopwatch.GetTimestamp() >= stretch.WallStopAt;
        _park = !_schedule.Ends(_ends, _held, _sent, stretch.HoldAt, park, _ends);
        if (_park) return;
        (_start, _end) = (earliest, _ends.Max());
        _window++;
        if (_start - _lastProgress < _schedule.ProgressInterval) return;
        _lastProgress = _start;
        _coordinator.Tell(new LocalWindowsProgressed(_run, _window, _start, EventsProcessed().Sum()));
    }

    private void Parked() =>
        _coordinator.Tell(new LocalWindowsParked(_run, _window, _start, _end, _earliest, _lastProgress, EventsProcessed()));

    private long[] EventsProcessed() => _members.Select(m => m!.Partition.EventsProcessed).ToArray();
}
