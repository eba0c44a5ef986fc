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
    /// <summary>Latency histograms the model names (for example request completion times), each a family keyed by a number (a generator).</summary>
    public SortedDictionary<string, SortedDictionary<int, LatencyHistogram>> Histograms { get; } = new(StringComparer.Ordinal);

    /// <summary>Time series the model samples (a TCP sender's congestion window), each a list of (time, value) in time order, by name.</summary>
    public SortedDictionary<string, List<(long Time, long Value)>> Series { get; } = new(StringComparer.Ordinal);

    /// <summary>The frames each captured port recorded (a pcap file each), by port name (FROM-&gt;TO).</summary>
    public SortedDictionary<string, CapturedFrames> Captures { get; } = new(StringComparer.Ordinal);

    /// <summary>Listings by component path, then by name: only in a snapshot that asked for them (<see cref="ListingQuery"/>).</summary>
    public SortedDictionary<string, SortedDictionary<string, Listing>> Listings { get; } = new(StringComparer.Ordinal);

    /// <summary>The series <paramref name="name"/>, created empty on first use.</summary>
    public List<(long Time, long Value)> SeriesOf(string name)
    {
        if (!Series.TryGetValue(name, out var points)) Series[name] = points = [];
        return points;
    }

    public FlowStats Flow(long flowId)
    {
        if (!Flows.TryGetValue(flowId, out var f)) Flows[flowId] = f = new FlowStats(flowId);
        return f;
    }

    public void AddLink(LinkStats link) => Links.Add(link.Key, link);

    /// <summary>Histogram <paramref name="key"/> of the family <paramref name="name"/>, created empty (3 significant digits) on first use.</summary>
    public LatencyHistogram Histogram(string name, int key)
    {
        if (!Histograms.TryGetValue(name, out var family)) Histograms[name] = family = new SortedDictionary<int, LatencyHistogram>();
        if (!family.TryGetValue(key, out var h)) family[key] = h = new LatencyHistogram(3);
        return h;
    }

    /// <summary>The counters of the component at <paramref name="path"/>, created empty on first use.</summary>
    public ComponentCounters Counters(string path, string kind)
    {
        // Add, not the indexer: the indexer looks the path up again before it inserts (a datacenter's report has ~4 per host).
        if (!Components.TryGetValue(path, out var c)) Components.Add(path, c = new ComponentCounters(path, kind));
        return c;
    }

    /// <summary>Keeps listing <paramref name="name"/> of the component at <paramref name="path"/>.</summary>
    public void List(string path, string name, Listing listing)
    {
        if (!Listings.TryGetValue(path, out var mine)) Listings[path] = mine = new SortedDictionary<string, Listing>(StringComparer.Ordinal);
        mine[name] = listing;
    }

    /// <summary>
    /// Adds <paramref name="other"/>'s results to these. A flow or a component these do not have yet is taken as it is, not copied
    /// (a one-partition run's report is all of them): <paramref name="other"/> must not be used afterwards.
    /// </summary>
    public void Merge(ResultsBuilder other)
    {
        foreach (var (id, f) in other.Flows)
        {
            if (Flows.TryGetValue(id, out var mine)) mine.Add(f);
            else Flows.Add(id, f);
        }
        foreach (var (key, l) in other.Links) Links.Add(key, l);
        foreach (var (lp, n) in other.EventsByLp) EventsByLp[lp] = EventsByLp.GetValueOrDefault(lp) + n;
        foreach (var (name, family) in other.Histograms)
            foreach (var (key, h) in family) Histogram(name, key).Add(h);
        foreach (var (path, c) in other.Components)
        {
            if (Components.TryGetValue(path, out var mine)) mine.Add(c);
            else Components.Add(path, c);
        }
        // A series has one owner (one sender): merging only gathers them, so the order of reports does not matter.
        foreach (var (name, points) in other.Series) SeriesOf(name).AddRange(points);
        // A port lives in one LP, so one partition reports its capture.
        foreach (var (port, frames) in other.Captures) Captures.Add(port, frames);
        // A component lives in one LP, so one partition lists it.
        foreach (var (path, listings) in other.Listings)
            foreach (var (name, listing) in listings) List(path, name, listing);
    }
}
