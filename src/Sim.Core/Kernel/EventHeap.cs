using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Min-queue of events by (Time, Order): two binary heaps of 24-byte keys (time, order, slot, LP) over one slab of events, so sifting
/// moves small keys whatever the size of a packet. An event due soon (less than <see cref="FarPs"/> after the last one popped) goes
/// to the near heap, a later one (a host's next send, a retransmission timeout) to the far heap; a pop takes the lesser of the two
/// roots. Most events are due soon, and their heap holds only the traffic in flight, so a pop sifts through a few levels where one
/// heap of everything pending would sift through all (docs/benchmarks.md, "Issue 14: the plain-loop ceiling"). Because the key is
/// a total order and a pop takes the least of both heaps, the pop sequence is fully determined by the set of events, whatever order
/// they were pushed in and whichever heap each went to.
/// On a large fabric thousands of hosts' next sends are pending at once (~10,000 on 10,240 hosts), and a far heap of them all cost
/// 13-14 levels of sift per pop (docs/benchmarks.md, "Issue 14, sixth round"). So the far heap keeps at most
/// <see cref="FarHeapLimit"/> events ahead of the others: beyond that a later event waits unsorted in a ring of buckets of
/// <see cref="BucketPs"/>, a calendar, and a bucket's events move into the far heap when the far heap's root is no longer earlier
/// than that bucket. The far heap's root stays the least of both.
/// </summary>
public sealed class EventHeap
{
    /// <summary>
    /// How far ahead of the last pop an event goes to the far heap: beyond a frame's serialization and propagation on the fabric's
    /// links (about 2 µs at 10 Gb/s), short of a host's gap between packets (80 µs at 100 Mb/s, 8 µs at 1 Gb/s).
    /// </summary>
    public const long FarPs = 4_000_000;

    /// <summary>
    /// Later events go to the far heap while it holds fewer than this, to the ring beyond: a heap this small sifts in the L1 cache,
    /// and a fabric of a few hundred hosts never uses the ring (bench --fabric medium was 4-15 % slower when every later event took it).
    /// </summary>
    private const int FarHeapLimit = 256;

    /// <summary>log2 of <see cref="BucketPs"/>.</summary>
    private const int BucketShift = 20;

    /// <summary>Width of a bucket, ~1.05 µs: on 10,240 hosts sending at 100 Mb/s, ~130 sends fall due in one.</summary>
    public const long BucketPs = 1L << BucketShift;

    /// <summary>Buckets in the ring, ~1.07 ms ahead (a 100 Mb/s Poisson host's mean gap is 80 µs); a later event waits in the far heap.</summary>
    public const int RingBuckets = 1024;

    private const int RingMask = RingBuckets - 1;

    private struct Key
    {
        public long Time;
        public long Order;
        public int Slot;
        /// <summary>The receiving LP, in what would be padding: the event loop learns the next event's LP without touching the slab.</summary>
        public int Lp;

        public readonly void Deconstruct(out long time, out int slot, out int lp) => (time, slot, lp) = (Time, Slot, Lp);
    }

    private Key[] _near = new Key[256];
    private Key[] _far = new Key[1024];
    private int _nearCount;
    private int _farCount;
    /// <summary>The earliest event is the far heap's root (kept at every push and pop, so that a peek compares nothing).</summary>
    private bool _topFar;
    /// <summary>Time of the event last popped: what "due soon" is measured from.</summary>
    private long _now;
    /// <summary>While the ring holds events: the far heap holds every later event of the buckets up to this one, and its root is in one.</summary>
    private long _current;
    /// <summary>Bucket b in (_current, _current + RingBuckets) waits unsorted in slot b mod RingBuckets; made on first use.</summary>
    private readonly Key[]?[] _ring = new Key[RingBuckets][];
    private readonly int[] _ringCounts = new int[RingBuckets];
    /// <summary>One bit per ring slot that holds events: the next non-empty bucket is found a word of 64 at a time.</summary>
    private readonly ulong[] _occupied = new ulong[RingBuckets / 64];
    private int _ringCount;
    /// <summary>
    /// The size of a bucket made now: the largest any bucket has grown to. The buckets of one run fill alike (10,240 hosts: ~130 events
    /// a bucket), so a slot's first use makes it as large as the others became instead of growing it from 4 in six copies.
    /// </summary>
    private int _bucketCapacity = 4;
    private SimEvent[] _slab = new SimEvent[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    /// <summary>Slot of the event <see cref="PopRef"/> last returned: freed at the next pop, so the caller can read it in place meanwhile.</summary>
    private int _lentSlot = -1;
    private int _slabUsed;

    public int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _nearCount + _farCount + _ringCount;
    }

    public long PeekTime
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Count == 0 ? long.MaxValue : Top.Time;
    }

    private ref Key Top
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _topFar ? ref _far[0] : ref _near[0];
    }

    public void Push(in SimEvent e) => PushNew(e.Time, e.Order, e.Lp) = e;

    /// <summary>The LP of the earliest event; only when <see cref="Count"/> is not zero.</summary>
    public int PeekLp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Top.Lp;
    }

    /// <summary>Where the earliest event lies; only when <see cref="Count"/> is not zero, and only until the next push or pop (for a prefetch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref SimEvent PeekRef() => ref _slab[Top.Slot];

    /// <summary>
    /// Where the event after the earliest lies, as the queue stands (an event pushed meanwhile may come first), and its LP: of the top
    /// heap's root's children and the other heap's root (an event in the ring may come first), the earliest by time (by time alone: ties
    /// go to the first child); only when <see cref="Count"/> is at least 2, and only until the next push or pop. For a prefetch two
    /// events ahead: the choice is made with conditional moves, not branches, as its comparisons of unrelated times go either way and a
    /// mispredicted branch per event cost more than the hint's occasional miss (docs/benchmarks.md, "Issue 14, eighth round").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref SimEvent PeekSecond(out int lp)
    {
        var topFar = _topFar;
        var topCount = topFar ? _farCount : _nearCount;
        var otherCount = topFar ? _nearCount : _farCount;
        // Every heap array holds at least 3 keys, so the reads stay inside it; a key beyond the count is ignored by its time.
        ref var top = ref MemoryMarshal.GetArrayDataReference(topFar ? _far : _near);
        ref var other = ref MemoryMarshal.GetArrayDataReference(topFar ? _near : _far);
        // Chosen with masks, not selects: the JIT makes no conditional moves inside a loop, and this inlines into the event loop. A
        // key beyond its heap's count gets the latest time (times are never negative, so or-ing in long.MaxValue gives it).
        var (leftTime, leftSlot, leftLp) = Unsafe.Add(ref top, 1);
        var (rightTime, rightSlot, rightLp) = Unsafe.Add(ref top, 2);
        var (otherTime, otherSlot, otherLp) = other;
        leftTime |= ((long)topCount - 2 >> 63) & long.MaxValue;
        rightTime |= ((long)topCount - 3 >> 63) & long.MaxValue;
        otherTime |= ((long)otherCount - 1 >> 63) & long.MaxValue;
        var rightFirst = -(rightTime < leftTime ? 1 : 0);
        var childTime = leftTime ^ ((leftTime ^ rightTime) & rightFirst);
        var slot = leftSlot ^ ((leftSlot ^ rightSlot) & rightFirst);
        var childLp = leftLp ^ ((leftLp ^ rightLp) & rightFirst);
        var otherFirst = -(otherTime < childTime ? 1 : 0);
        slot ^= (slot ^ otherSlot) & otherFirst;
        lp = childLp ^ ((childLp ^ otherLp) & otherFirst);
        return ref _slab[slot];
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
        if (time - _now < FarPs)
        {
            if (SiftUp(ref _near, ref _nearCount, in key) && _farCount > 0) _topFar = Less(in _far[0], in _near[0]);
        }
        else if ((_farCount < FarHeapLimit || !ToRing(time >> BucketShift, in key)) && SiftUp(ref _far, ref _farCount, in key))
            _topFar = _nearCount == 0 || Less(in _far[0], in _near[0]);
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
        if (Count == 0) throw new InvalidOperationException("pop from an empty event heap");
        if (_lentSlot >= 0) _free[_freeCount++] = _lentSlot;
        int slot;
        if (_topFar)
        {
            _now = _far[0].Time;
            slot = SiftDown(_far, ref _farCount);
            if (_ringCount != 0) Feed();
        }
        else
        {
            _now = _near[0].Time;
            slot = SiftDown(_near, ref _nearCount);
        }
        _topFar = _farCount > 0 && (_nearCount == 0 || Less(in _far[0], in _near[0]));
        _lentSlot = slot;
        return ref _slab[slot];
    }

    /// <summary>Visits every pending event, in storage (not time) order.</summary>
    public IEnumerable<SimEvent> Snapshot()
    {
        for (var i = 0; i < _nearCount; i++) yield return _slab[_near[i].Slot];
        for (var i = 0; i < _farCount; i++) yield return _slab[_far[i].Slot];
        for (var b = 0; b < RingBuckets; b++)
            for (var i = 0; i < _ringCounts[b]; i++) yield return _slab[_ring[b]![i].Slot];
    }

    /// <summary>
    /// Removes every event <paramref name="match"/> selects and returns them in (time, order) order; the rest keep their order. Linear in the
    /// heap's size: for rare moves of whole groups of events (a VM leaving its server), never per event.
    /// </summary>
    public List<SimEvent> RemoveWhere(Func<SimEvent, bool> match)
    {
        var taken = new List<(Key Key, SimEvent Event)>();
        RemoveWhere(_near, ref _nearCount, match, taken);
        RemoveWhere(_far, ref _farCount, match, taken);
        for (var b = 0; b < RingBuckets; b++)
        {
            if (_ringCounts[b] == 0) continue;
            var before = taken.Count;
            RemoveWhere(_ring[b]!, ref _ringCounts[b], match, taken, heapify: false);
            _ringCount -= taken.Count - before;
            if (_ringCounts[b] == 0) _occupied[b >> 6] &= ~(1UL << b);
        }
        if (taken.Count == 0) return [];
        if (_ringCount != 0) Feed();
        _topFar = _farCount > 0 && (_nearCount == 0 || Less(in _far[0], in _near[0]));
        taken.Sort((a, b) => Less(in a.Key, in b.Key) ? -1 : Less(in b.Key, in a.Key) ? 1 : 0);
        return taken.ConvertAll(t => t.Event);
    }

    private void RemoveWhere(Key[] keys, ref int count, Func<SimEvent, bool> match, List<(Key Key, SimEvent Event)> taken, bool heapify = true)
    {
        var kept = 0;
        var before = taken.Count;
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
        if (taken.Count == before) return;
        count = kept;
        if (!heapify) return;
        // Floyd's heap construction over the keys that stayed.
        for (var i = count / 2 - 1; i >= 0; i--) SiftDownFrom(keys, count, i);
    }

    /// <summary>
    /// Puts a later event in the ring when its bucket is after the current one and within the ring's reach; false when it belongs
    /// in the far heap. With the ring empty, the current bucket is the far heap's root's.
    /// </summary>
    private bool ToRing(long bucket, in Key key)
    {
        if (_ringCount == 0) _current = _far[0].Time >> BucketShift;
        if (bucket <= _current || bucket - _current >= RingBuckets) return false;
        var slot = (int)(bucket & RingMask);
        var keys = _ring[slot] ??= new Key[_bucketCapacity];
        var n = _ringCounts[slot];
        if (n == keys.Length) Array.Resize(ref _ring[slot], _bucketCapacity = Math.Max(_bucketCapacity, n * 2));
        Move(ref _ring[slot]![n], in key);
        _ringCounts[slot] = n + 1;
        if (n == 0) _occupied[slot >> 6] |= 1UL << slot;
        _ringCount++;
        return true;
    }

    /// <summary>
    /// The ring holds events: while the far heap's root is not in a bucket up to the current one (or the far heap is empty), the
    /// earliest of the ring's next bucket and the root's becomes the current one and the ring's events of it move into the far heap.
    /// Then the far heap's root is the least of both. The caller sets which root is the top.
    /// </summary>
    private void Feed()
    {
        while (_ringCount != 0 && (_farCount == 0 || _far[0].Time >> BucketShift > _current))
        {
            var next = NextOccupied();
            if (_farCount > 0) next = Math.Min(next, _far[0].Time >> BucketShift);
            _current = next;
            // An occupied slot holds this bucket: the ring's buckets lie within RingBuckets after the old current one, none before next.
            var slot = (int)(next & RingMask);
            var count = _ringCounts[slot];
            if (count == 0) continue;
            var keys = _ring[slot]!;
            for (var i = 0; i < count; i++) SiftUp(ref _far, ref _farCount, in keys[i]);
            _ringCount -= count;
            _ringCounts[slot] = 0;
            _occupied[slot >> 6] &= ~(1UL << slot);
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

    /// <summary>Adds <paramref name="key"/> to one heap; true when it became that heap's root.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SiftUp(ref Key[] keys, ref int count, in Key key)
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
        return i == 0;
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
