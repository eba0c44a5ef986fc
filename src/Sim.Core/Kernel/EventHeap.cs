using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Min-queue of events by (Time, Order), a calendar queue over one slab of events: time is cut into buckets of
/// <see cref="BucketPs"/>; the events of the current bucket (and any earlier) are a binary heap of 24-byte keys (time, order, slot,
/// LP), those of the next <see cref="RingBuckets"/> buckets wait unsorted in a ring of buckets, and later ones in a second heap.
/// When the current bucket is empty the next non-empty one becomes current: its keys become the heap at once. So a pop sifts
/// through the few events of one microsecond, not through every pending one: on a 10,240-host fabric ~10,000 hosts' next sends
/// are pending at any time, and one heap of them all cost 13-14 levels of sift per pop (docs/benchmarks.md, "Issue 14, sixth
/// round"). Every event of the current heap is earlier than every other pending event, and the key is a total order, so the pop
/// sequence is fully determined by the set of events, whatever order they were pushed in and wherever each waited.
/// </summary>
public sealed class EventHeap
{
    /// <summary>log2 of <see cref="BucketPs"/>.</summary>
    private const int BucketShift = 20;

    /// <summary>
    /// Width of a bucket, ~1.05 µs: a frame's hop on the fabric (serialization and propagation) mostly lands in the next bucket or
    /// two, and a bucket holds about one event per host per 80 µs at 100 Mb/s, a heap of a few hundred on 10,240 hosts.
    /// </summary>
    public const long BucketPs = 1L << BucketShift;

    /// <summary>Buckets in the ring, ~1.07 ms ahead (the mean gap of a 100 Mb/s Poisson host is 80 µs); an event later than that (rare: long timers) waits in the far heap.</summary>
    public const int RingBuckets = 1024;

    private const int RingMask = RingBuckets - 1;

    private struct Key
    {
        public long Time;
        public long Order;
        public int Slot;
        /// <summary>The receiving LP, in what would be padding: the event loop learns the next event's LP without touching the slab.</summary>
        public int Lp;
    }

    /// <summary>The events of buckets up to <see cref="_current"/>, a heap: not empty while any event is pending.</summary>
    private Key[] _near = new Key[256];
    private int _nearCount;
    /// <summary>The current bucket (time / <see cref="BucketPs"/>).</summary>
    private long _current;
    /// <summary>Bucket b in (_current, _current + RingBuckets) waits unsorted in slot b mod RingBuckets; made on first use.</summary>
    private readonly Key[]?[] _ring = new Key[RingBuckets][];
    private readonly int[] _ringCounts = new int[RingBuckets];
    /// <summary>One bit per ring slot that holds events: the next non-empty bucket is found a word of 64 at a time.</summary>
    private readonly ulong[] _occupied = new ulong[RingBuckets / 64];
    private int _ringCount;
    /// <summary>Events beyond the ring when they were pushed, a heap.</summary>
    private Key[] _far = new Key[64];
    private int _farCount;
    private SimEvent[] _slab = new SimEvent[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    /// <summary>Slot of the event <see cref="PopRef"/> last returned: freed at the next pop, so the caller can read it in place meanwhile.</summary>
    private int _lentSlot = -1;
    private int _slabUsed;

    public int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _nearCount + _ringCount + _farCount;
    }

    public long PeekTime
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _nearCount == 0 ? long.MaxValue : _near[0].Time;
    }

    public void Push(in SimEvent e) => PushNew(e.Time, e.Order, e.Lp) = e;

    /// <summary>The LP of the earliest event; only when <see cref="Count"/> is not zero.</summary>
    public int PeekLp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _near[0].Lp;
    }

    /// <summary>Where the earliest event lies; only when <see cref="Count"/> is not zero, and only until the next push or pop (for a prefetch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref SimEvent PeekRef() => ref _slab[_near[0].Slot];

    /// <summary>
    /// Where the event after the earliest lies, as the queue stands (an event pushed meanwhile may come first), and its LP: the lesser
    /// of the current heap's root's children, or when the root is alone, the least of the next bucket; only when <see cref="Count"/>
    /// is at least 2, and only until the next push or pop. For a prefetch two events ahead.
    /// </summary>
    internal ref SimEvent PeekSecond(out int lp)
    {
        ref var best = ref _near[0];
        if (_nearCount > 1)
        {
            best = ref _near[1];
            if (_nearCount > 2 && Less(in _near[2], in best)) best = ref _near[2];
        }
        else
        {
            // The root is alone: the next event is the least of the next bucket, in the ring, the far heap (only its root), or both.
            var ringBucket = _ringCount > 0 ? NextOccupied() : long.MaxValue;
            var farBucket = _farCount > 0 ? _far[0].Time >> BucketShift : long.MaxValue;
            if (farBucket <= ringBucket) best = ref _far[0];
            if (ringBucket <= farBucket)
            {
                var slot = (int)(ringBucket & RingMask);
                var keys = _ring[slot]!;
                if (ringBucket < farBucket) best = ref keys[0];
                for (var i = 0; i < _ringCounts[slot]; i++)
                    if (Less(in keys[i], in best)) best = ref keys[i];
            }
        }
        lp = best.Lp;
        return ref _slab[best.Slot];
    }

    /// <summary>
    /// Inserts an event for LP <paramref name="lp"/> at (<paramref name="time"/>, <paramref name="order"/>) and returns its storage for the caller to fill in
    /// place (its Time, Order and Lp must stay as given): the event is built where it lives, not copied. The storage is not cleared
    /// (a packet event writes its whole packet anyway): the caller must set every other field.
    /// </summary>
    public ref SimEvent PushNew(long time, long order, int lp)
    {
        var slot = _freeCount > 0 ? _free[--_freeCount] : NewSlot();
        var key = new Key { Time = time, Order = order, Slot = slot, Lp = lp };
        var bucket = time >> BucketShift;
        if (_nearCount == 0)
        {
            // Nothing pending (the current heap is empty only then): this event's bucket becomes the current one.
            _current = bucket;
            SiftUp(ref _near, ref _nearCount, in key);
        }
        else if (bucket <= _current) SiftUp(ref _near, ref _nearCount, in key);
        else if (bucket - _current < RingBuckets) Append((int)(bucket & RingMask), in key);
        else SiftUp(ref _far, ref _farCount, in key);
        ref var e = ref _slab[slot];
        e.Time = time;
        e.Order = order;
        e.Lp = lp;
        return ref e;
    }

    /// <summary>Removes the earliest event and copies it out.</summary>
    public void Pop(out SimEvent top) => top = PopRef();

    /// <summary>
    /// Removes the earliest event and returns it in place, without copying it: the reference stays valid (and
    /// its slot unused) until the next pop. The event loop reads packets through it.
    /// </summary>
    public ref SimEvent PopRef()
    {
        // Not only a caller's error: the unchecked sifts below would write before the array's start.
        if (_nearCount == 0) throw new InvalidOperationException("pop from an empty event heap");
        if (_lentSlot >= 0) _free[_freeCount++] = _lentSlot;
        var slot = SiftDown(_near, ref _nearCount);
        if (_nearCount == 0 && (_ringCount | _farCount) != 0) Advance();
        _lentSlot = slot;
        return ref _slab[slot];
    }

    /// <summary>Visits every pending event, in storage (not time) order.</summary>
    public IEnumerable<SimEvent> Snapshot()
    {
        for (var i = 0; i < _nearCount; i++) yield return _slab[_near[i].Slot];
        for (var b = 0; b < RingBuckets; b++)
            for (var i = 0; i < _ringCounts[b]; i++) yield return _slab[_ring[b]![i].Slot];
        for (var i = 0; i < _farCount; i++) yield return _slab[_far[i].Slot];
    }

    /// <summary>
    /// Removes every event <paramref name="match"/> selects and returns them in (time, order) order; the rest keep their order. Linear in the
    /// number pending: for rare moves of whole groups of events (a VM leaving its server), never per event.
    /// </summary>
    public List<SimEvent> RemoveWhere(Func<SimEvent, bool> match)
    {
        var taken = new List<(Key Key, SimEvent Event)>();
        if (RemoveWhere(_near, ref _nearCount, match, taken)) Heapify(_near, _nearCount);
        for (var b = 0; b < RingBuckets; b++)
        {
            if (_ringCounts[b] == 0) continue;
            var before = _ringCounts[b];
            RemoveWhere(_ring[b]!, ref _ringCounts[b], match, taken);
            _ringCount -= before - _ringCounts[b];
            if (_ringCounts[b] == 0) _occupied[b >> 6] &= ~(1UL << b);
        }
        if (RemoveWhere(_far, ref _farCount, match, taken)) Heapify(_far, _farCount);
        if (taken.Count == 0) return [];
        if (_nearCount == 0 && (_ringCount | _farCount) != 0) Advance();
        taken.Sort((a, b) => Less(in a.Key, in b.Key) ? -1 : Less(in b.Key, in a.Key) ? 1 : 0);
        return taken.ConvertAll(t => t.Event);
    }

    /// <summary>Moves the selected keys of one array to <paramref name="taken"/>, keeping the others in their order; true when any went.</summary>
    private bool RemoveWhere(Key[] keys, ref int count, Func<SimEvent, bool> match, List<(Key Key, SimEvent Event)> taken)
    {
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            var key = keys[i];
            if (match(_slab[key.Slot]))
            {
                taken.Add((key, _slab[key.Slot]));
                _free[_freeCount++] = key.Slot;
            }
            else keys[kept++] = key;
        }
        if (kept == count) return false;
        count = kept;
        return true;
    }

    /// <summary>
    /// The current heap is empty and events are pending: the next non-empty bucket, in the ring or the far heap's root's, becomes the
    /// current one, its keys the heap (the ring's array of them becomes the heap's, the heap's empty one the ring slot's).
    /// </summary>
    private void Advance()
    {
        var next = _ringCount > 0 ? NextOccupied() : long.MaxValue;
        if (_farCount > 0) next = Math.Min(next, _far[0].Time >> BucketShift);
        _current = next;
        var slot = (int)(next & RingMask);
        // An occupied slot holds this bucket: the ring's buckets lie within RingBuckets after the old current one, and none before next.
        if (_ringCounts[slot] > 0)
        {
            (_near, _ring[slot]) = (_ring[slot]!, _near);
            _nearCount = _ringCounts[slot];
            _ringCount -= _nearCount;
            _ringCounts[slot] = 0;
            _occupied[slot >> 6] &= ~(1UL << slot);
            Heapify(_near, _nearCount);
        }
        while (_farCount > 0 && _far[0].Time >> BucketShift <= next)
        {
            var key = _far[0];
            SiftDown(_far, ref _farCount);
            SiftUp(ref _near, ref _nearCount, in key);
        }
    }

    /// <summary>The first non-empty bucket of the ring after the current one; only when the ring holds events.</summary>
    private long NextOccupied()
    {
        var start = (int)((_current + 1) & RingMask);
        var word = start >> 6;
        var bits = _occupied[word] & (~0UL << start);
        while (bits == 0)
        {
            word = (word + 1) & (_occupied.Length - 1);
            bits = _occupied[word];
        }
        var slot = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
        return _current + 1 + ((slot - start) & RingMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int slot, in Key key)
    {
        var keys = _ring[slot] ??= new Key[16];
        var n = _ringCounts[slot];
        if (n == keys.Length) Array.Resize(ref _ring[slot], n * 2);
        Move(ref _ring[slot]![n], in key);
        _ringCounts[slot] = n + 1;
        if (n == 0) _occupied[slot >> 6] |= 1UL << slot;
        _ringCount++;
    }

    /// <summary>Adds <paramref name="key"/> to one heap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SiftUp(ref Key[] keys, ref int count, in Key key)
    {
        if (count == keys.Length) Array.Resize(ref keys, keys.Length * 2);
        var i = count++;
        ref var root = ref MemoryMarshal.GetArrayDataReference(keys);
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            ref var p = ref Unsafe.Add(ref root, parent);
            if (!Less(in key, in p)) break;
            Move(ref Unsafe.Add(ref root, i), in p);
            i = parent;
        }
        Move(ref Unsafe.Add(ref root, i), in key);
    }

    /// <summary>Removes the root of one non-empty heap and returns its slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SiftDown(Key[] keys, ref int count)
    {
        var slot = keys[0].Slot;
        var n = --count;
        if (n > 0)
        {
            // Sifts with references and field-wise moves: copying whole keys between elements of one array made the JIT go through a
            // temporary on the stack at every level (docs/benchmarks.md, "Issue 14: a host's state in fewer cache lines").
            ref var root = ref MemoryMarshal.GetArrayDataReference(keys);
            var last = Unsafe.Add(ref root, n);
            ref var hole = ref root;
            var child = 1;
            while (child < n)
            {
                ref var c = ref Unsafe.Add(ref root, child);
                if (child + 1 < n && Less(in Unsafe.Add(ref c, 1), in c))
                {
                    c = ref Unsafe.Add(ref c, 1);
                    child++;
                }
                if (!Less(in c, in last)) break;
                Move(ref hole, in c);
                hole = ref c;
                child = 2 * child + 1;
            }
            Move(ref hole, in last);
        }
        return slot;
    }

    /// <summary>Floyd's heap construction over the first <paramref name="n"/> keys.</summary>
    private static void Heapify(Key[] keys, int n)
    {
        for (var i = n / 2 - 1; i >= 0; i--) SiftDownFrom(keys, n, i);
    }

    private static void SiftDownFrom(Key[] keys, int n, int i)
    {
        var item = keys[i];
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Less(in keys[child + 1], in keys[child])) child++;
            if (!Less(in keys[child], in item)) break;
            keys[i] = keys[child];
            i = child;
        }
        keys[i] = item;
    }

    private int NewSlot()
    {
        if (_slabUsed == _slab.Length)
        {
            // An event lent by PopRef keeps pointing into the old slab, which stays alive and unchanged.
            Array.Resize(ref _slab, _slab.Length * 2);
            Array.Resize(ref _free, _free.Length * 2);
        }
        return _slabUsed++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Move(ref Key to, in Key from)
    {
        to.Time = from.Time;
        to.Order = from.Order;
        to.Slot = from.Slot;
        to.Lp = from.Lp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in Key a, in Key b) =>
        a.Time < b.Time || (a.Time == b.Time && a.Order < b.Order);
}
