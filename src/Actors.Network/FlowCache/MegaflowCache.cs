using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>
/// The megaflow cache: tuple space search over one hash table per distinct mask, as in the Linux
/// kernel datapath (net/openvswitch/flow_table.c) and dpif-netdev's dpcls.
/// </summary>
/// <remarks>
/// A lookup probes the masks in order, hashing the packet's key under each mask, until one table holds
/// it; its cost is the number of masks probed, which is what the CPU model charges. Megaflows installed
/// by the slow path never overlap, so the first hit is the answer. The kernel keeps masks in insertion
/// order (its per-CPU mask cache, <see cref="MaskCache"/>, lets most packets probe one mask); dpcls
/// re-ranks subtables by hits every second, which <see cref="Rerank"/> does when called (the model does not
/// call it periodically yet). Not thread-safe: one vSwitch owns it.
/// </remarks>
public sealed class MegaflowCache<TActions>
{
    private readonly List<Subtable> _subtables = [];
    private readonly Dictionary<FlowKey, Subtable> _byMask = new();

    public int Count { get; private set; }
    public int MaskCount => _subtables.Count;

    /// <summary>The masks in probe order.</summary>
    public IEnumerable<FlowKey> Masks => _subtables.Select(s => s.Mask);

    public IEnumerable<Megaflow<TActions>> Flows => _subtables.SelectMany(s => s.Flows.Values);

    /// <summary>
    /// Finds the megaflow matching <paramref name="key"/>. <paramref name="firstMask"/> is probed first when
    /// given (the kernel's mask-cache hint). Returns the flow (or null) and the number of masks probed.
    /// </summary>
    public (Megaflow<TActions>? Flow, int Probes, int MaskIndex) Lookup(in FlowKey key, int firstMask = -1)
    {
        var probes = 0;
        if (firstMask >= 0 && firstMask < _subtables.Count)
        {
            probes++;
            if (_subtables[firstMask].Find(in key) is { } hinted) return (hinted, probes, firstMask);
        }
        for (var i = 0; i < _subtables.Count; i++)
        {
            if (i == firstMask) continue;
            probes++;
            if (_subtables[i].Find(in key) is { } flow) return (flow, probes, i);
        }
        return (null, probes, -1);
    }

    /// <summary>Installs a megaflow; a flow with the same masked key and mask is replaced.</summary>
    public Megaflow<TActions> Insert(in FlowKey key, in FlowKey mask, TActions actions, long now)
    {
        if (!_byMask.TryGetValue(mask, out var table))
        {
            table = new Subtable(mask);
            _byMask[mask] = table;
            _subtables.Add(table);
        }
        var masked = key.And(mask);
        var flow = new Megaflow<TActions>(masked, mask, actions, now, key);
        if (table.Flows.TryGetValue(masked, out var old)) old.Alive = false;
        else Count++;
        table.Flows[masked] = flow;
        return flow;
    }

    public bool Remove(Megaflow<TActions> flow)
    {
        if (!_byMask.TryGetValue(flow.Mask, out var table) || !table.Flows.Remove(flow.Key)) return false;
        flow.Alive = false;
        Count--;
        if (table.Flows.Count == 0)
        {
            _byMask.Remove(flow.Mask);
            _subtables.Remove(table);
        }
        return true;
    }

    public void Clear()
    {
        foreach (var f in Flows) f.Alive = false;
        _subtables.Clear();
        _byMask.Clear();
        Count = 0;
    }

    /// <summary>dpcls ranking: subtables with more hits since the last ranking are probed first (stable for ties).</summary>
    public void Rerank()
    {
        var ranked = _subtables.Select((s, i) => (s, i)).OrderByDescending(x => x.s.HitsSinceRank).ThenBy(x => x.i).Select(x => x.s).ToList();
        _subtables.Clear();
        _subtables.AddRange(ranked);
        foreach (var s in _subtables) s.HitsSinceRank = 0;
    }

    private sealed class Subtable(FlowKey mask)
    {
        public FlowKey Mask { get; } = mask;
        public Dictionary<FlowKey, Megaflow<TActions>> Flows { get; } = new();
        public long HitsSinceRank { get; set; }

        public Megaflow<TActions>? Find(in FlowKey key)
        {
            if (!Flows.TryGetValue(key.And(Mask), out var flow)) return null;
            HitsSinceRank++;
            return flow;
        }
    }
}
