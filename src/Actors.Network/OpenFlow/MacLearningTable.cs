namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// The MAC learning table behind the <c>normal</c> action (OVS's lib/mac-learning.c): (MAC, VLAN) →
/// OpenFlow port, at most <see cref="Capacity"/> entries (the least recently learned is evicted when
/// full), entries older than <see cref="AgingPs"/> are ignored and dropped.
/// Learning is a side effect the caller asks for explicitly; ofproto/trace never learns.
/// </summary>
public sealed class MacLearningTable
{
    public const int DefaultCapacity = 8192;
    /// <summary>OVS's default <c>mac-aging-time</c>: 300 s, in picoseconds.</summary>
    public const long DefaultAgingPs = 300L * 1_000_000_000_000;

    private readonly Dictionary<(ulong Mac, ushort Vlan), LinkedListNode<Entry>> _entries = new();
    private readonly LinkedList<Entry> _lru = new();   // front = least recently learned

    public MacLearningTable(int capacity = DefaultCapacity, long agingPs = DefaultAgingPs)
    {
        Capacity = capacity;
        AgingPs = agingPs;
    }

    public int Capacity { get; }
    public long AgingPs { get; }
    public int Count => _entries.Count;

    /// <summary>Bumped whenever an entry is added, moves or ages out: cached flows that used the table must be revalidated.</summary>
    public long Version { get; private set; }

    private sealed record Entry(ulong Mac, ushort Vlan, uint Port, long LearnedPs);

    /// <summary>Learns that <paramref name="mac"/> is on <paramref name="port"/> in <paramref name="vlan"/>; true if the table changed.</summary>
    public bool Learn(ulong mac, ushort vlan, uint port, long nowPs)
    {
        if ((mac & 0x0100_0000_0000UL) != 0) return false;          // never learn a multicast source
        if (_entries.TryGetValue((mac, vlan), out var node))
        {
            var changed = node.Value.Port != port;
            _lru.Remove(node);
            node.Value = node.Value with { Port = port, LearnedPs = nowPs };
            _lru.AddLast(node);
            if (changed) Version++;
            return changed;
        }
        if (_entries.Count >= Capacity)
        {
            var oldest = _lru.First!;
            _lru.RemoveFirst();
            _entries.Remove((oldest.Value.Mac, oldest.Value.Vlan));
        }
        _entries[(mac, vlan)] = _lru.AddLast(new Entry(mac, vlan, port, nowPs));
        Version++;
        return true;
    }

    /// <summary>The port <paramref name="mac"/> was learned on, or null (multicast, unknown or aged out).</summary>
    public uint? Lookup(ulong mac, ushort vlan, long nowPs)
    {
        if ((mac & 0x0100_0000_0000UL) != 0) return null;
        if (!_entries.TryGetValue((mac, vlan), out var node)) return null;
        if (nowPs - node.Value.LearnedPs >= AgingPs) return null;
        return node.Value.Port;
    }

    /// <summary>Drops entries that have aged out at <paramref name="nowPs"/>.</summary>
    public int Expire(long nowPs)
    {
        var n = 0;
        while (_lru.First is { } first && nowPs - first.Value.LearnedPs >= AgingPs)
        {
            _lru.RemoveFirst();
            _entries.Remove((first.Value.Mac, first.Value.Vlan));
            n++;
        }
        if (n > 0) Version++;
        return n;
    }
}

/// <summary>
/// The ports of a bridge: OpenFlow port number → datapath port number. The bridge's own internal
/// port (OpenFlow LOCAL) can be included with its datapath number; flooding includes it as OVS does.
/// </summary>
public sealed class BridgePorts
{
    private readonly SortedDictionary<uint, uint> _ofToDp = new();

    public BridgePorts(IEnumerable<uint> ofPorts, uint? localDpPort = null, IReadOnlyDictionary<uint, uint>? dpNumbers = null)
    {
        foreach (var p in ofPorts) _ofToDp[p] = dpNumbers is not null && dpNumbers.TryGetValue(p, out var d) ? d : p;
        if (localDpPort is { } local) _ofToDp[OfPort.Local] = local;
    }

    /// <summary>OpenFlow port numbers in ascending order (LOCAL, 65534, sorts last).</summary>
    public IEnumerable<uint> OfPorts => _ofToDp.Keys;

    public bool Contains(uint ofPort) => _ofToDp.ContainsKey(ofPort);

    public uint DpPort(uint ofPort) => _ofToDp[ofPort];
}
