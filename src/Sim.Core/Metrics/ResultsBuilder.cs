namespace DcSim.SimCore.Metrics;

/// <summary>
/// Collects what the LPs report at the end of a run. Partitions each fill one, the coordinator merges
/// them; every collection is keyed and sorted, so the merged result does not depend on the number
/// of partitions or the order their reports arrive in.
/// </summary>
public sealed class ResultsBuilder
{
    public SortedDictionary<long, FlowStats> Flows { get; } = new();
    public SortedDictionary<string, LinkStats> Links { get; } = new(StringComparer.Ordinal);
    /// <summary>Events handled per LP name.</summary>
    public SortedDictionary<string, long> EventsByLp { get; } = new(StringComparer.Ordinal);
    /// <summary>Named counters per component path (servers, NICs, vSwitches ...).</summary>
    public SortedDictionary<string, ComponentCounters> Components { get; } = new(StringComparer.Ordinal);
    /// <summary>Request completion times (request sent to last response byte back) per generator.</summary>
    public SortedDictionary<int, LatencyHistogram> RequestCompletion { get; } = new();

    public FlowStats Flow(long flowId)
    {
        if (!Flows.TryGetValue(flowId, out var f)) Flows[flowId] = f = new FlowStats(flowId);
        return f;
    }

    public void AddLink(LinkStats link) => Links.Add(link.Key, link);

    public LatencyHistogram RequestCompletionOf(int generator)
    {
        if (!RequestCompletion.TryGetValue(generator, out var h)) RequestCompletion[generator] = h = new LatencyHistogram(3);
        return h;
    }

    /// <summary>The counters of the component at <paramref name="path"/>, created empty on first use.</summary>
    public ComponentCounters Counters(string path, string kind)
    {
        if (!Components.TryGetValue(path, out var c)) Components[path] = c = new ComponentCounters(path, kind);
        return c;
    }

    public void Merge(ResultsBuilder other)
    {
        foreach (var (id, f) in other.Flows) Flow(id).Add(f);
        foreach (var (key, l) in other.Links) Links.Add(key, l);
        foreach (var (lp, n) in other.EventsByLp) EventsByLp[lp] = EventsByLp.GetValueOrDefault(lp) + n;
        foreach (var (g, h) in other.RequestCompletion) RequestCompletionOf(g).Add(h);
        foreach (var (path, c) in other.Components) Counters(path, c.Kind).Add(c);
    }
}
