using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;

namespace DcSim.ActorsNetwork.Nat;

/// <summary>
/// The connection-tracking table of a Linux host doing Docker's NAT: its size, the timeouts of its entries by
/// state, and the garbage collector's pacing. <see cref="Linux"/> holds the kernel's defaults.
/// </summary>
/// <param name="MaxEntries">nf_conntrack_max: entries the table holds; a new flow beyond it needs an early drop or is dropped.</param>
/// <param name="Buckets">nf_conntrack_buckets: hash buckets; early drop scans <see cref="EvictionRange"/> of them from the new flow's bucket.</param>
/// <param name="EvictionRange">NF_CT_EVICTION_RANGE: buckets early drop scans for an unassured entry to evict.</param>
/// <param name="UdpTimeout">nf_conntrack_udp_timeout: a UDP entry not (yet) a stream.</param>
/// <param name="UdpStreamTimeout">nf_conntrack_udp_timeout_stream: a UDP entry seen both ways and still active after <see cref="UdpStreamAfter"/>.</param>
/// <param name="UdpStreamAfter">How long after its creation a replied UDP entry becomes a stream (and assured): 2 s since kernel
/// commit "netfilter: conntrack: udp: only extend timeout to stream mode after 2s" (2018); the stream timeout went from 180 s to 120 s in the commit after it (294304e4c522).</param>
/// <param name="TcpSynSentTimeout">nf_conntrack_tcp_timeout_syn_sent: a TCP entry seen one way only.</param>
/// <param name="TcpSynRecvTimeout">nf_conntrack_tcp_timeout_syn_recv: a TCP entry whose first reply was just seen.</param>
/// <param name="TcpEstablishedTimeout">nf_conntrack_tcp_timeout_established.</param>
/// <param name="GcIntervalMin">GC_SCAN_INTERVAL_MIN: the garbage collector never runs more often; its first run is this long after start.</param>
/// <param name="GcIntervalMax">GC_SCAN_INTERVAL_MAX: nor less often; also the lifetime its initial bias pretends.</param>
/// <param name="GcTimeoutClamp">GC_SCAN_INTERVAL_CLAMP: remaining lifetimes above this count as this when pacing the collector.</param>
public sealed record NatSettings(
    int MaxEntries,
    int Buckets,
    int EvictionRange,
    long UdpTimeout,
    long UdpStreamTimeout,
    long UdpStreamAfter,
    long TcpSynSentTimeout,
    long TcpSynRecvTimeout,
    long TcpEstablishedTimeout,
    long GcIntervalMin,
    long GcIntervalMax,
    long GcTimeoutClamp)
{
    /// <summary>
    /// Linux's defaults (Documentation/networking/nf_conntrack-sysctl.rst; net/netfilter/nf_conntrack_core.c,
    /// nf_conntrack_proto_udp.c, nf_conntrack_proto_tcp.c): a server with more than 4 GiB of memory gets 262,144
    /// buckets and, since Linux 5.15, as many entries.
    /// </summary>
    public static readonly NatSettings Linux = new(
        MaxEntries: 262_144,
        Buckets: 262_144,
        EvictionRange: 8,
        UdpTimeout: 30 * SimTime.Second,
        UdpStreamTimeout: 120 * SimTime.Second,
        UdpStreamAfter: 2 * SimTime.Second,
        TcpSynSentTimeout: 120 * SimTime.Second,
        TcpSynRecvTimeout: 60 * SimTime.Second,
        TcpEstablishedTimeout: 432_000 * SimTime.Second,
        GcIntervalMin: SimTime.Second,
        GcIntervalMax: 60 * SimTime.Second,
        GcTimeoutClamp: 300 * SimTime.Second);

    /// <summary>Throws on settings no kernel would accept.</summary>
    public NatSettings Validated()
    {
        if (MaxEntries < 1) throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, "the table needs room for one entry");
        if (Buckets < 1) throw new ArgumentOutOfRangeException(nameof(Buckets), Buckets, "the table needs a bucket");
        if (EvictionRange < 0) throw new ArgumentOutOfRangeException(nameof(EvictionRange), EvictionRange, "cannot scan a negative number of buckets");
        foreach (var (name, value) in (ReadOnlySpan<(string, long)>)[(nameof(UdpTimeout), UdpTimeout), (nameof(UdpStreamTimeout), UdpStreamTimeout),
                     (nameof(TcpSynSentTimeout), TcpSynSentTimeout), (nameof(TcpSynRecvTimeout), TcpSynRecvTimeout),
                     (nameof(TcpEstablishedTimeout), TcpEstablishedTimeout), (nameof(GcIntervalMin), GcIntervalMin)])
            if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "a timeout must be positive");
        if (UdpStreamAfter < 0) throw new ArgumentOutOfRangeException(nameof(UdpStreamAfter), UdpStreamAfter, "must not be negative");
        if (GcIntervalMax < GcIntervalMin) throw new ArgumentOutOfRangeException(nameof(GcIntervalMax), GcIntervalMax, "below the minimum interval");
        if (GcTimeoutClamp < GcIntervalMin) throw new ArgumentOutOfRangeException(nameof(GcTimeoutClamp), GcTimeoutClamp, "below the minimum interval");
        return this;
    }
}

/// <summary>
/// What NAT costs a packet on the CPU that runs the host's (or the VM's) kernel: the netfilter hooks it traverses
/// (PREROUTING, FORWARD, POSTROUTING with Docker's chains), the conntrack hash lookup, and, for the first packet of
/// a connection, creating the entry (allocation, the nat table's rules, a source port, two hash insertions).
/// </summary>
public sealed record NatCosts(StepCost Traversal, StepCost Lookup, StepCost NewEntry)
{
    /// <summary>
    /// Assumptions, no measured source: a few hundred cycles for the hooks and a lookup of a warm hash chain,
    /// about a thousand for a new entry.
    /// </summary>
    public static readonly NatCosts Assumed = new(new StepCost(300), new StepCost(150), new StepCost(1_000));
}
