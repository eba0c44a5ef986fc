using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// Runs the windows of partitions that all live in the coordinator's process on threads synchronised through shared memory (one
/// per partition, one per core at most): a barrier per window instead of a round of actor messages through the coordinator.
/// </summary>
/// <remarks>
/// What it replaces: per window, the coordinator's grant to every partition, the partitions' event batches to each other and
/// their completions back (~50 µs with 2 partitions, as each message hops between thread-pool threads). Here each thread runs its
/// partitions' window, puts what each sent each other partition in a slot of its own, and meets the others at a barrier; the
/// last to arrive computes the next window from everyone's earliest event with the coordinator's own <see cref="WindowSchedule"/>,
/// so windows are cut exactly where the coordinator would cut them; each partition then takes the slots addressed to it and runs on.
/// With more partitions than threads, threads claim partitions window by window (<see cref="Run"/>): one that is done early runs
/// those another has not started.
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
/// partition is snapshot at the next barrier (<see cref="SnapshotAtNextBarrier"/>). One partition runs its windows back to back.
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

    /// <summary>A partition of the group, and what its last window's trace entry waits for (the barrier and the take-in after it).</summary>
    private sealed class Member(Partition partition, Stopwatch busy, Stopwatch wall, WindowTrace? trace)
    {
        public Partition Partition { get; } = partition;
        public Stopwatch Busy { get; } = busy;
        public Stopwatch Wall { get; } = wall;
        public WindowTrace? Trace { get; } = trace;
        public WindowTrace.Entry Pending;
    }

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
    /// <summary>
    /// With more partitions than threads: by partition, the last phase (a window run, or the take-in before parking) a thread claimed
    /// it for, each on a cache line of its own; a thread runs a partition in a phase only once it has moved this on (<see cref="Claim"/>).
    /// </summary>
    private readonly SpinGate.Line[] _claimed;
    private readonly int _threads;
    private int _attached;
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

    /// <param name="threads">The most threads to run the partitions on (at least 1); fewer when there are fewer partitions.</param>
    public LocalWindows(long run, int count, WindowSchedule schedule, IActorRef coordinator, int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread runs the windows");
        _run = run;
        _count = count;
        _threads = Math.Min(count, threads);
        _claimed = new SpinGate.Line[count];
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

    /// <summary>Takes partition <paramref name="partition"/> into the group; the last to join starts the threads, which wait for the first stretch.</summary>
    public void Attach(Partition partition, Stopwatch busy, Stopwatch wall)
    {
        var i = partition.Index;
        if (Interlocked.CompareExchange(ref _members[i], new Member(partition, busy, wall, WindowTrace.For(this, i)), null) is not null)
            throw new InvalidOperationException($"partition {i} joined the local windows twice");
        if (Interlocked.Increment(ref _attached) < _count) return;
        for (var t = 0; t < _threads; t++)
        {
            var order = Order(t);
            new Thread(() => Run(order)) { IsBackground = true, Name = $"dcsim-windows-{t}" }.Start();
        }
    }

    /// <summary>
    /// The partitions thread <paramref name="thread"/> runs in a phase, in order: its own (a contiguous block, each thread as many as
    /// the others give or take one), then, with more partitions than threads, the others' from the far end of their blocks, those
    /// their own threads come to last. With one partition per thread, just its own: a partition stays on its thread.
    /// </summary>
    private int[] Order(int thread)
    {
        var own = Enumerable.Range(thread * _count / _threads, (thread + 1) * _count / _threads - thread * _count / _threads).ToArray();
        return _threads == _count ? own : [.. own, .. Enumerable.Range(0, _count).Except(own).Reverse()];
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

    /// <summary>
    /// A thread's loop. Each window is a phase: the thread runs the partitions of <paramref name="order"/> it claims (taking in first
    /// what the others sent them in the window before, unless the stretch just began), then meets the others; a phase that parks only
    /// takes in. Claims balance the threads: one that finishes early runs partitions another has not started (a slower core, a
    /// partition with more work), and which thread ran a partition changes nothing in it.
    /// </summary>
    private void Run(int[] order)
    {
        var released = 0L;
        var phase = 0L;
        var current = order[0];
        try
        {
            while (_release.Wait(released))
            {
                released = _release.Generation;
                var stretch = _stretch!;
                var passed = Stopwatch.GetTimestamp();
                var (first, window) = (true, stretch.Window);
                while (true)
                {
                    phase++;
                    foreach (var index in order)
                    {
                        if (!Claim(index, phase)) continue;
                        current = index;
                        var member = _members[index]!;
                        if (first)
                        {
                            if (stretch.Checkpoint) PartitionActor.SendCheckpoint(member.Partition, _run, window, stretch.Start, _coordinator);
                            member.Partition.RunWithin(_ends);
                        }
                        else TakeIn(member, index, (int)((window - 1) & 1), passed);
                        RunWindow(member, index, window);
                    }
                    if (!Arrive(Decide)) return;
                    passed = Stopwatch.GetTimestamp();
                    if (_park)
                    {
                        phase++;
                        foreach (var index in order)
                            if (Claim(index, phase))
                                TakeIn(_members[current = index]!, index, (int)(window & 1), passed);
                        // Every partition has taken in its events before the coordinator hears: the partitions are a consistent cut.
                        if (!Arrive(Parked)) return;
                        break;
                    }
                    (first, window) = (false, _window);
                }
            }
        }
        catch (Exception ex)
        {
            // A broken invariant ends the run, as on the actors' path; the other threads end at the broken barrier.
            _members[current]?.Busy.Stop();
            _coordinator.Tell(new ExperimentFailed($"partition {current}: {ex.Message}", _run));
            Dispose();
        }
    }

    /// <summary>
    /// Whether the calling thread runs partition <paramref name="index"/> in <paramref name="phase"/> (every thread counts the same
    /// phases). With a partition per thread each runs its own without asking.
    /// </summary>
    private bool Claim(int index, long phase) =>
        _threads == _count
        || (Volatile.Read(ref _claimed[index].Value) == phase - 1 && Interlocked.CompareExchange(ref _claimed[index].Value, phase, phase - 1) == phase - 1);

    /// <summary>Runs <paramref name="member"/>'s part of <paramref name="window"/> and hands over what it sent.</summary>
    private void RunWindow(Member member, int index, long window)
    {
        var partition = member.Partition;
        var trace = member.Trace;
        if (!member.Wall.IsRunning) member.Wall.Start();
        var began = trace is null ? 0 : Stopwatch.GetTimestamp();
        var cpuBegan = trace is null ? 0 : WindowTrace.ThreadCpuNs();
        var handled = partition.EventsProcessed;
        member.Busy.Start();
        partition.RunUntil(_ends[index]);
        member.Busy.Stop();
        var ran = trace is null ? 0 : Stopwatch.GetTimestamp();
        var runCpu = trace is null ? 0 : WindowTrace.ThreadCpuNs() - cpuBegan;
        _held[index] = partition.NextEventTime;
        _next[index].Value = HandOver(partition, index, (int)(window & 1), out var sent);
        if (trace is not null)
            member.Pending = new WindowTrace.Entry(window, began, ran, Stopwatch.GetTimestamp(), 0, 0, runCpu, partition.EventsProcessed - handled, sent, 0, 0,
                Thread.GetCurrentProcessorId(), 0);
    }

    /// <summary>Takes in what the others sent <paramref name="member"/> in the window of <paramref name="parity"/>; a snapshot if one is wanted.</summary>
    private void TakeIn(Member member, int index, int parity, long passed)
    {
        var partition = member.Partition;
        var received = TakeIn(partition, index, parity);
        member.Trace?.Add(member.Pending with
        {
            Passed = passed, TookIn = Stopwatch.GetTimestamp(), Received = received, Gen0 = GC.CollectionCount(0), CpuPassed = Thread.GetCurrentProcessorId(),
        });
        if (_snapshot != 0)
            _coordinator.Tell(new ServersSnapshot(_snapshot, partition.CompletedUntil, ResultsCodec.Encode(partition.SnapshotCounters())));
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
        if (Interlocked.Increment(ref _arrived.Value) < _threads) return _barrier.Wait(generation);
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
