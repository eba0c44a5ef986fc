using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Min-heap of events by (Time, Order). The heap orders 24-byte keys (time, order, slot, LP) while the events
/// themselves stay in a slab until popped, so sifting moves small keys whatever the size of a packet.
/// Because the key is a total order, the pop sequence is fully determined by the set of events, whatever
/// order they were pushed in.
/// </summary>
public sealed class EventHeap
{
    private struct Key
    {
        public long Time;
        public long Order;
        public int Slot;
        /// <summary>The receiving LP, in what would be padding: the event loop learns the next event's LP without touching the slab.</summary>
        public int Lp;
    }

    private Key[] _keys = new Key[1024];
    private SimEvent[] _slab = new SimEvent[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    /// <summary>Slot of the event <see cref="PopRef"/> last returned: freed at the next pop, so the caller can read it in place meanwhile.</summary>
    private int _lentSlot = -1;
    private int _slabUsed;
    private int _count;

    public int Count => _count;

    public long PeekTime => _count == 0 ? long.MaxValue : _keys[0].Time;

    public void Push(in SimEvent e) => PushNew(e.Time, e.Order, e.Lp) = e;

    /// <summary>The LP of the earliest event; only when <see cref="Count"/> is not zero.</summary>
    public int PeekLp => _keys[0].Lp;

    /// <summary>Where the earliest event lies; only when <see cref="Count"/> is not zero, and only until the next push or pop (for a prefetch).</summary>
    internal ref SimEvent PeekRef() => ref _slab[_keys[0].Slot];

    /// <summary>
    /// The position in the heap of the event after the earliest, as the heap stands (an event pushed meanwhile may come first): the
    /// lesser of the root's children; only when <see cref="Count"/> is at least 2. For a prefetch two events ahead.
    /// </summary>
    internal int SecondIndex
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _count > 2 && Less(in _keys[2], in _keys[1]) ? 2 : 1;
    }

    /// <summary>The LP of the event at heap position <paramref name="index"/>.</summary>
    internal int LpAt(int index) => _keys[index].Lp;

    /// <summary>Where the event at heap position <paramref name="index"/> lies, until the next push or pop (for a prefetch).</summary>
    internal ref SimEvent RefAt(int index) => ref _slab[_keys[index].Slot];

    /// <summary>
    /// Inserts an event for LP <paramref name="lp"/> at (<paramref name="time"/>, <paramref name="order"/>) and returns its storage for the caller to fill in
    /// place (its Time, Order and Lp must stay as given): the event is built where it lives, not copied. The storage is not cleared
    /// (a packet event writes its whole packet anyway): the caller must set every other field.
    /// </summary>
    public ref SimEvent PushNew(long time, long order, int lp)
    {
        var slot = _freeCount > 0 ? _free[--_freeCount] : NewSlot();
        if (_count == _keys.Length) Array.Resize(ref _keys, _keys.Length * 2);
        var key = new Key { Time = time, Order = order, Slot = slot, Lp = lp };
        var i = _count++;
        ref var root = ref MemoryMarshal.GetArrayDataReference(_keys);
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            ref var p = ref Unsafe.Add(ref root, parent);
            if (!Less(in key, in p)) break;
            Move(ref Unsafe.Add(ref root, i), in p);
            i = parent;
        }
        Move(ref Unsafe.Add(ref root, i), in key);
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
        if (_count == 0) throw new InvalidOperationException("pop from an empty event heap");
        if (_lentSlot >= 0) _free[_freeCount++] = _lentSlot;
        var keys = _keys;
        var slot = keys[0].Slot;
        _lentSlot = slot;
        var n = --_count;
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
        return ref _slab[slot];
    }

    /// <summary>Visits every pending event, in storage (not time) order.</summary>
    public IEnumerable<SimEvent> Snapshot()
    {
        for (var i = 0; i < _count; i++) yield return _slab[_keys[i].Slot];
    }

    /// <summary>
    /// Removes every event <paramref name="match"/> selects and returns them in (time, order) order; the rest keep their order. Linear in the
    /// heap's size: for rare moves of whole groups of events (a VM leaving its server), never per event.
    /// </summary>
    public List<SimEvent> RemoveWhere(Func<SimEvent, bool> match)
    {
        var taken = new List<(Key Key, SimEvent Event)>();
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var key = _keys[i];
            if (match(_slab[key.Slot]))
            {
                taken.Add((key, _slab[key.Slot]));
                _free[_freeCount++] = key.Slot;
            }
            else _keys[kept++] = key;
        }
        if (taken.Count == 0) return [];
        _count = kept;
        // Floyd's heap construction over the keys that stayed.
        for (var i = _count / 2 - 1; i >= 0; i--) SiftDown(i);
        taken.Sort((a, b) => Less(in a.Key, in b.Key) ? -1 : Less(in b.Key, in a.Key) ? 1 : 0);
        return taken.ConvertAll(t => t.Event);
    }

    private void SiftDown(int i)
    {
        var keys = _keys;
        var n = _count;
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
