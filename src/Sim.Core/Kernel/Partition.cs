using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Metrics;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Runs the LPs of one partition as one sequential event loop over a shared heap.
/// </summary>
/// <remarks>
/// Within a partition all LPs share one heap ordered by (time, source LP, sequence). That is the
/// cheapest correct schedule on one thread: no barrier, no message per event, and each LP still sees
/// its own events in the global total order. Events for LPs of other partitions go to a per-destination
/// outbox; the window protocol (<see cref="WindowCoordinator"/>) guarantees they are at or after the
/// end of that partition's current window (the lookahead), and delivers them before the window that contains them.
/// Invariants checked here: an LP never handles an event earlier than one it already handled, and an
/// event sent to another partition is never inside the current window.
/// Parcels (<see cref="Parcel"/>) travel beside the events: one for a local LP is kept at once, one for another partition waits
/// in a second outbox for that partition and is delivered at the same barrier as the window's events.
/// </remarks>
public sealed class Partition
{
    private readonly LogicalProcess?[] _local;
    private readonly int[] _partitionOfLp;
    private readonly EventHeap _heap = new();
    private readonly List<SimEvent>[] _outbox;
    private readonly List<Parcel>[] _parcelOutbox;
    /// <summary>
    /// Parcels that reached local LPs and wait to be taken, sorted by (LP, key): the state (a checkpoint's bytes included) is the same
    /// whatever order they arrived in.
    /// </summary>
    private readonly SortedList<(int Lp, long Key), byte[]> _parcels = new();
    private long _windowEnd;
    /// <summary>Every partition's end of the window being run, by index (<see cref="RunWithin"/>); null: all end where this one does.</summary>
    private long[]? _windowEnds;

    public Partition(int index, int partitionCount, int[] partitionOfLp)
    {
        Index = index;
        _partitionOfLp = partitionOfLp;
        _local = new LogicalProcess?[partitionOfLp.Length];
        _outbox = new List<SimEvent>[partitionCount];
        _parcelOutbox = new List<Parcel>[partitionCount];
        for (var p = 0; p < partitionCount; p++)
        {
            _outbox[p] = [];
            _parcelOutbox[p] = [];
        }
    }

    public int Index { get; }
    public int PartitionCount => _outbox.Length;
    public long EventsProcessed { get; private set; }

    /// <summary>Earliest pending local event, or <see cref="long.MaxValue"/>.</summary>
    public long NextEventTime => _heap.PeekTime;

    public IEnumerable<LogicalProcess> LocalProcesses => _local.Where(lp => lp is not null)!;

    public void Add(LogicalProcess lp)
    {
        if (_partitionOfLp[lp.Id] != Index)
            throw new InvalidOperationException($"LP {lp.Name} belongs to partition {_partitionOfLp[lp.Id]}, not {Index}");
        lp.Attach(this);
        _local[lp.Id] = lp;
    }

    /// <summary>The names (FROM-&gt;TO) of every output port of the local LPs.</summary>
    public IEnumerable<string> PortNames => LocalProcesses.SelectMany(lp => lp.OutputPorts).Select(p => p.Point);

    /// <summary>Starts a capture on every local port that one of <paramref name="capture"/>'s points takes; before <see cref="Start"/>.</summary>
    public void AttachCaptures(CaptureSettings capture)
    {
        if (!capture.Enabled) return;
        foreach (var port in LocalProcesses.SelectMany(lp => lp.OutputPorts))
            if (CapturePoints.AnyTakes(capture.Points, port.Point)) port.StartCapture(capture.Limit);
    }

    /// <summary>Lets every local LP schedule its first events, in LP id order.</summary>
    public void Start()
    {
        foreach (var lp in LocalProcesses) lp.Start();
    }

    /// <summary>Accepts events another partition sent during an earlier window.</summary>
    public void Deliver(IEnumerable<SimEvent> events)
    {
        switch (events)
        {
            case List<SimEvent> list: Deliver(CollectionsMarshal.AsSpan(list)); break;
            case SimEvent[] array: Deliver(array.AsSpan()); break;
            default: foreach (var e in events) Accept(in e); break;
        }
    }

    /// <summary>Accepts events another partition sent during an earlier window, read in place (no enumerator, no copy).</summary>
    public void Deliver(ReadOnlySpan<SimEvent> events)
    {
        foreach (ref readonly var e in events) Accept(in e);
    }

    private void Accept(in SimEvent e)
    {
        if ((uint)e.Lp >= (uint)_local.Length || _local[e.Lp] is null)
            throw new InvalidOperationException($"partition {Index} received an event for LP {e.Lp}, which it does not host");
        if (e.Time < _windowEnd)
            throw new InvalidOperationException(
                $"causality violation: an event for LP {_local[e.Lp]!.Name} at {e.Time} ps arrived after window end {_windowEnd} ps had been processed");
        _heap.Push(in e);
    }

    /// <summary>Handles, in order, every event earlier than <paramref name="end"/>.</summary>
    /// <remarks>
    /// Compiled optimized at its first call: it holds the event loop but runs once a window, a few hundred times in a one-partition run,
    /// fewer than the calls after which the runtime would recompile its precompiled code (the Runner's CallCountThreshold).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunUntil(long end)
    {
        _windowEnd = end;
        var heap = _heap;
        var local = _local;
        long processed = 0;
        while (heap.Count > 0 && heap.PeekTime < end)
        {
            ref var e = ref heap.PopRef();
            var lp = local[e.Lp]!;
            if (heap.Count > 0)
            {
                // The next events are almost always those the heap now holds first: on a large fabric their LPs' state has left the
                // cache since those LPs last ran, so start fetching it while this one runs, in two stages: the event after next and
                // its LP now, and the next one's component, whose LP and event were started one event ago (docs/benchmarks.md, issue 14).
                local[heap.PeekLp]!.Prepare(ref heap.PeekRef());
                if (heap.Count > 1)
                {
                    ref var second = ref heap.PeekSecond(out var secondLp);
                    Prefetch.Element(ref second);
                    Prefetch.Object(local[secondLp]!);
                }
            }
            if (e.Time < lp.Now)
                throw new InvalidOperationException($"causality violation: LP {lp.Name} got an event at {e.Time} ps after handling one at {lp.Now} ps");
            lp.Now = e.Time;
            lp.EventsProcessed++;
            processed++;
            lp.Handle(ref e);
        }
        EventsProcessed += processed;
    }

    /// <summary>
    /// From now on, each window run here is one of <paramref name="ends"/>' (every partition's end of the window being run, by index:
    /// the caller updates it in place between windows); an event sent to another partition must not be before that partition's end.
    /// </summary>
    public void RunWithin(long[] ends) =>
        _windowEnds = ends.Length == PartitionCount ? ends : throw new ArgumentException($"{ends.Length} window ends for {PartitionCount} partitions", nameof(ends));

    /// <summary>Virtual time up to which every local event has been handled (the end of the last window run).</summary>
    public long CompletedUntil => _windowEnd;

    /// <summary>
    /// Offers <paramref name="directive"/> to the local LPs in id order, at a barrier where the run holds at the directive's time; the
    /// first LP that takes it applies it. Null when no local LP takes it. Every local LP's clock moves to that time first: every event
    /// before it is handled and none after it, so the LPs are where they would be on any partitioning.
    /// </summary>
    public DirectiveResult? Apply(Directive directive)
    {
        if (directive.Time < _windowEnd)
            throw new InvalidOperationException($"directive {directive.Id} at {directive.Time} ps is before the end of the last window run, {_windowEnd} ps");
        _windowEnd = directive.Time;
        foreach (var lp in LocalProcesses) lp.Now = Math.Max(lp.Now, directive.Time);
        foreach (var lp in LocalProcesses)
            if (lp.Apply(directive) is { } result) return result;
        return null;
    }

    /// <summary>
    /// The current counters of the local components (between windows: a consistent cut of this partition), and the listings
    /// <paramref name="listing"/> asks for. Listings are taken at the time the run holds at when that is later than the end of the last
    /// window run: nothing happens here in between (the coordinator held the run where no event was due), so they are what they would be then.
    /// </summary>
    public ResultsBuilder SnapshotCounters(ListingQuery? listing = null)
    {
        var results = new ResultsBuilder();
        foreach (var lp in LocalProcesses)
        {
            lp.Snapshot(results);
            foreach (var port in lp.OutputPorts) port.Snapshot(results, _windowEnd);
            if (listing is not null) lp.List(results, listing, Math.Max(_windowEnd, listing.AtPs));
        }
        return results;
    }

    /// <summary>Takes the events produced for partition <paramref name="destination"/> in this window.</summary>
    public List<SimEvent> TakeOutbox(int destination) => TakeOutbox(destination, []);

    /// <summary>
    /// Takes the events produced for partition <paramref name="destination"/> in this window, and goes on with <paramref name="next"/>
    /// (empty by the time the next event for that partition is sent): a caller that hands lists back and forth allocates none per window.
    /// </summary>
    public List<SimEvent> TakeOutbox(int destination, List<SimEvent> next)
    {
        var list = _outbox[destination];
        _outbox[destination] = next;
        return list;
    }

    /// <summary>Parcels are waiting to be taken for partition <paramref name="destination"/> (rare: most windows send none).</summary>
    public bool HasParcels(int destination) => _parcelOutbox[destination].Count > 0;

    /// <summary>Events or parcels for partition <paramref name="destination"/> are waiting to be taken.</summary>
    public bool HasOutbox(int destination) => _outbox[destination].Count > 0 || _parcelOutbox[destination].Count > 0;

    /// <summary>Takes the parcels sent to LPs of partition <paramref name="destination"/> in this window, in the order they were sent.</summary>
    public List<Parcel> TakeParcels(int destination)
    {
        var list = _parcelOutbox[destination];
        _parcelOutbox[destination] = [];
        return list;
    }

    /// <summary>Accepts parcels another partition sent during the window just ended: they wait until their LP takes them.</summary>
    public void DeliverParcels(IEnumerable<Parcel> parcels)
    {
        foreach (var parcel in parcels)
        {
            if (parcel.Lp < 0 || parcel.Lp >= _local.Length || _local[parcel.Lp] is null)
                throw new InvalidOperationException($"partition {Index} received a parcel for LP {parcel.Lp}, which it does not host");
            Keep(parcel);
        }
    }

    /// <summary>A parcel for <paramref name="targetLp"/>: kept at once when the LP is local, else in the parcel outbox of its partition.</summary>
    internal void SendParcel(int targetLp, long key, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (targetLp < 0 || targetLp >= _partitionOfLp.Length) throw new ArgumentOutOfRangeException(nameof(targetLp), targetLp, "no such LP");
        var parcel = new Parcel(targetLp, key, bytes);
        var target = _partitionOfLp[targetLp];
        if (target == Index) Keep(parcel);
        else _parcelOutbox[target].Add(parcel);
    }

    /// <summary>The parcel waiting for local LP <paramref name="lp"/> under <paramref name="key"/>, removed; null if there is none.</summary>
    internal byte[]? TakeParcel(int lp, long key)
    {
        if (!_parcels.TryGetValue((lp, key), out var bytes)) return null;
        _parcels.Remove((lp, key));
        return bytes;
    }

    private void Keep(Parcel parcel)
    {
        if (!_parcels.TryAdd((parcel.Lp, parcel.Key), parcel.Bytes))
            throw new InvalidOperationException($"LP {_local[parcel.Lp]!.Name} (LP {parcel.Lp}) received a second parcel under key {parcel.Key} before taking the first");
    }

    /// <summary>
    /// End-of-run census: every local LP reports its counters, and packets still on their way (frames
    /// travelling towards a local LP, packets between two components of a server) are counted in flight.
    /// </summary>
    public ResultsBuilder Report(long endTime)
    {
        var results = new ResultsBuilder();
        foreach (var lp in LocalProcesses) lp.Report(results, endTime);
        foreach (var e in _heap.Snapshot())
        {
            if (e.Kind != EventKind.Packet) continue;
            var f = results.Flow(e.Packet.FlowId);
            f.InFlightPackets++;
            f.InFlightBytes += e.Packet.PayloadBytes;
        }
        return results;
    }

    /// <summary>Removes the pending local events <paramref name="match"/> selects and returns them in (time, order) order.</summary>
    internal List<SimEvent> TakeEvents(Func<SimEvent, bool> match) => _heap.RemoveWhere(match);

    /// <summary>A new event of a local LP, built in place in the heap (see <see cref="EventHeap.PushNew"/>).</summary>
    internal ref SimEvent EnqueueLocal(int lp, long time, long order) => ref _heap.PushNew(time, order, lp);

    /// <summary>
    /// A new event for <paramref name="targetLp"/>, built in place (the caller sets every field, see <see cref="EventHeap.PushNew"/>): in the heap when the LP is local, else at the
    /// end of the outbox of its partition (which must not be inside the current window: that is the lookahead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref SimEvent NewEvent(int targetLp, long time, long order)
    {
        var target = _partitionOfLp[targetLp];
        if (target == Index) return ref _heap.PushNew(time, order, targetLp);
        return ref NewRemoteEvent(target, targetLp, time, order);
    }

    private ref SimEvent NewRemoteEvent(int target, int targetLp, long time, long order)
    {
        if (time < (_windowEnds is { } ends ? ends[target] : _windowEnd))
            throw new InvalidOperationException(
                $"lookahead violation: LP {(int)(order >> SimEvent.SequenceBits)} sent an event at {time} ps to LP {targetLp} in partition {target}, inside its window ending at {_windowEnds?[target] ?? _windowEnd} ps");
        var outbox = _outbox[target];
        outbox.Add(default);
        ref var e = ref CollectionsMarshal.AsSpan(outbox)[^1];
        e.Time = time;
        e.Order = order;
        e.Lp = targetLp;
        return ref e;
    }
}
