using System.Runtime.CompilerServices;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Binary min-heap of events by (Time, Order). Events are stored inline (no allocation per event);
/// because the key is a total order, the pop sequence is fully determined by the set of events,
/// whatever order they were pushed in.
/// </summary>
public sealed class EventHeap
{
    private SimEvent[] _items = new SimEvent[1024];
    private int _count;

    public int Count => _count;

    public long PeekTime => _count == 0 ? long.MaxValue : _items[0].Time;

    public ref readonly SimEvent Peek() => ref _items[0];

    public void Push(in SimEvent e)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        var i = _count++;
        var items = _items;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(in e, in items[parent])) break;
            items[i] = items[parent];
            i = parent;
        }
        items[i] = e;
    }

    public void Pop(out SimEvent top)
    {
        var items = _items;
        top = items[0];
        var n = --_count;
        if (n == 0) return;
        var last = items[n];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Less(in items[child + 1], in items[child])) child++;
            if (!Less(in items[child], in last)) break;
            items[i] = items[child];
            i = child;
        }
        items[i] = last;
    }

    /// <summary>Visits every pending event, in storage (not time) order.</summary>
    public IEnumerable<SimEvent> Snapshot()
    {
        for (var i = 0; i < _count; i++) yield return _items[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in SimEvent a, in SimEvent b) =>
        a.Time < b.Time || (a.Time == b.Time && a.Order < b.Order);
}
