namespace DcSim.SimCore.Metrics;

/// <summary>
/// The named counters of one component (a server, its NIC, its vSwitch, later a VM or a VF), keyed by the
/// component's path ("host3", "host3/vswitch"). One generic form for every kind of component: the results
/// codec, queries and result files carry them without knowing what they mean.
/// </summary>
public sealed class ComponentCounters(string path, string kind)
{
    public string Path { get; } = path;
    /// <summary>What the component is ("server", "vswitch", "nic", ...), for readers that pick components by kind.</summary>
    public string Kind { get; } = kind;
    /// <summary>
    /// Counter values by name, in ordinal order. Two arrays rather than a tree: a component has a few dozen counters, a
    /// datacenter's report hundreds of thousands, and the codec adds them in order (each lands at the end).
    /// </summary>
    public SortedList<string, long> Values { get; } = new(StringComparer.Ordinal);

    public long this[string name]
    {
        get => Values.GetValueOrDefault(name);
        set => Values[name] = value;
    }

    public void Add(ComponentCounters other)
    {
        foreach (var (name, v) in other.Values) Values[name] = Values.GetValueOrDefault(name) + v;
    }
}
