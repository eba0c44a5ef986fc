namespace DcSim.SimCore.Metrics;

/// <summary>Run-wide totals derived from merged results, including the conservation check.</summary>
public sealed class RunSummary
{
    public RunSummary(ResultsBuilder results)
    {
        // 3 digits and 64-bit counts: the run-wide histogram may count billions of packets.
        Latency = new LatencyHistogram(3);
        foreach (var f in results.Flows.Values)
        {
            SentPackets += f.SentPackets; SentBytes += f.SentBytes;
            DeliveredPackets += f.DeliveredPackets; DeliveredBytes += f.DeliveredBytes;
            DroppedPackets += f.DroppedPackets; DroppedBytes += f.DroppedBytes;
            InFlightPackets += f.InFlightPackets; InFlightBytes += f.InFlightBytes; CopiedPackets += f.CopiedPackets;
            if (f.Latency is not null) Latency.Add(f.Latency);
            if (!f.Conserved) NonConservedFlows.Add(f.FlowId);
            foreach (var (where, n) in f.Drops) DropsByLocation[where] = DropsByLocation.GetValueOrDefault(where) + n;
        }
        foreach (var l in results.Links.Values)
        {
            LinkTransmissions += l.TxPackets;
        }
        EventsProcessed = results.EventsByLp.Values.Sum();
        FlowCount = results.Flows.Count;
    }

    public int FlowCount { get; }
    public long SentPackets { get; }
    public long SentBytes { get; }
    public long DeliveredPackets { get; }
    public long DeliveredBytes { get; }
    public long DroppedPackets { get; }
    public long DroppedBytes { get; }
    public long InFlightPackets { get; }
    public long InFlightBytes { get; }
    public long CopiedPackets { get; }
    public long LinkTransmissions { get; }
    public long EventsProcessed { get; }
    public LatencyHistogram Latency { get; }
    public SortedDictionary<string, long> DropsByLocation { get; } = new(StringComparer.Ordinal);
    /// <summary>Flows for which sent ≠ delivered + dropped + in flight; empty when the model is sound.</summary>
    public List<long> NonConservedFlows { get; } = [];

    public bool Conserved => NonConservedFlows.Count == 0 && SentPackets + CopiedPackets == DeliveredPackets + DroppedPackets + InFlightPackets;
}
