using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost;

/// <summary>
/// The layouts this process made, by scenario and partition count: the coordinator, the journal and each partition built here ask
/// for the same one, and a balanced layout's pilot (<see cref="LayoutPilot"/>) runs once. A scenario is known by its settings object or
/// by its resolved text and base directory (the coordinator parses the text it is sent); the last few are kept, so that a service or a
/// benchmark that runs many scenarios holds only those.
/// </summary>
internal sealed class FabricLayouts(Func<ScenarioSettings, int, FabricLayout> make)
{
    private const int Kept = 4;
    private readonly List<Made> _made = [];

    private sealed class Made(ScenarioSettings scenario, int partitions, Func<ScenarioSettings, int, FabricLayout> make)
    {
        public readonly Lazy<FabricLayout> Layout = new(() => make(scenario, partitions), LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>The same settings, or the same resolved text (settings built in code have none: only themselves fit).</summary>
        public bool Fits(ScenarioSettings other, int otherPartitions) =>
            otherPartitions == partitions
            && (ReferenceEquals(other, scenario)
                || (scenario.ResolvedHocon.Length > 0 && other.ResolvedHocon == scenario.ResolvedHocon && other.BaseDirectory == scenario.BaseDirectory));
    }

    /// <summary>
    /// The layout of <paramref name="scenario"/> on <paramref name="partitions"/>, made by the first caller (the others wait for it). A make
    /// that failed is thrown to those waiting and forgotten: the next caller tries again.
    /// </summary>
    public FabricLayout For(ScenarioSettings scenario, int partitions)
    {
        Made? made = null;
        lock (_made)
        {
            foreach (var m in _made)
                if (m.Fits(scenario, partitions)) made = m;
            if (made is not null) _made.Remove(made);
            made ??= new Made(scenario, partitions, make);
            // The most recently asked for last: the least recently asked for goes first.
            _made.Add(made);
            if (_made.Count > Kept) _made.RemoveAt(0);
        }
        try
        {
            // Outside the lock: a pilot may take seconds, and another scenario's layout need not wait for it.
            return made.Layout.Value;
        }
        catch
        {
            lock (_made) _made.Remove(made);
            throw;
        }
    }
}
