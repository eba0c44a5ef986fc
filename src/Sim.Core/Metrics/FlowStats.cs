namespace DcSim.SimCore.Metrics;

/// <summary>
/// Everything known about one flow, assembled from the LPs that saw it: the source host counts what
/// it sent, the destination what arrived and how late, every port that dropped a packet what it
/// dropped, and the end-of-run census what was still on the way.
/// </summary>
/// <remarks>
/// The counters a destination updates for every packet delivered are declared first, after the id it compares: the runtime lays out a
/// class's references first, then its 8-byte fields in declaration order, so they share a cache line with the latency histogram's
/// reference instead of spanning the object's three (docs/benchmarks.md, issue 14 thirteenth round).
/// </remarks>
public sealed class FlowStats(long flowId)
{
    public long FlowId { get; } = flowId;
    public long DeliveredPackets { get; set; }
    public long DeliveredBytes { get; set; }
    public long LastDeliveredAt { get; set; }
    public int Source { get; set; } = -1;
    public int Destination { get; set; } = -1;
    public int Generator { get; set; } = -1;
    public string Kind { get; set; } = "";
    public long SentPackets { get; set; }
    public long SentBytes { get; set; }
    public long DroppedPackets { get; set; }
    public long DroppedBytes { get; set; }
    public long InFlightPackets { get; set; }
    public long InFlightBytes { get; set; }
    /// <summary>Extra packets made on the way: a bridge that floods one frame to k ports makes k - 1 copies.</summary>
    public long CopiedPackets { get; set; }
    public long FirstSentAt { get; set; } = long.MaxValue;
    public LatencyHistogram? Latency { get; set; }
    /// <summary>Drops by location ("leaf0->spine1"), ordinal order; made on first use, as most flows never lose a packet.</summary>
    public SortedDictionary<string, long> DropsAt => _dropsAt ??= new(StringComparer.Ordinal);

    /// <summary><see cref="DropsAt"/> for readers: empty without making it.</summary>
    public IReadOnlyDictionary<string, long> Drops => _dropsAt ?? NoDrops;

    private static readonly SortedDictionary<string, long> NoDrops = new(StringComparer.Ordinal);
    private SortedDictionary<string, long>? _dropsAt;

    /// <summary>The flow's latencies, made with room for 4 buckets on first use: right after the flow when its first packet arrives.</summary>
    public LatencyHistogram LatencyOrCreate() => Latency ??= new LatencyHistogram(2, room: 4);

    /// <summary>Sent + copied = delivered + dropped + in flight: no packet appears or vanishes unaccounted.</summary>
    public bool Conserved => SentPackets + CopiedPackets == DeliveredPackets + DroppedPackets + InFlightPackets;

    public void Add(FlowStats other)
    {
        if (other.Source >= 0) Source = other.Source;
        if (other.Destination >= 0) Destination = other.Destination;
        if (other.Generator >= 0) Generator = other.Generator;
        if (other.Kind.Length > 0) Kind = other.Kind;
        SentPackets += other.SentPackets;
        SentBytes += other.SentBytes;
        DeliveredPackets += other.DeliveredPackets;
        DeliveredBytes += other.DeliveredBytes;
        DroppedPackets += other.DroppedPackets;
        DroppedBytes += other.DroppedBytes;
        InFlightPackets += other.InFlightPackets;
        InFlightBytes += other.InFlightBytes;
        CopiedPackets += other.CopiedPackets;
        FirstSentAt = Math.Min(FirstSentAt, other.FirstSentAt);
        LastDeliveredAt = Math.Max(LastDeliveredAt, other.LastDeliveredAt);
        if (other.Latency is not null) LatencyOrCreate().Add(other.Latency);
        if (other._dropsAt is null) return;
        foreach (var (where, n) in other._dropsAt) DropsAt[where] = DropsAt.GetValueOrDefault(where) + n;
    }
}
