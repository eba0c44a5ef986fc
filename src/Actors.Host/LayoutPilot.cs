using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost;

/// <summary>
/// What a balanced layout weighs LPs by: the events each handled in a pilot, the scenario run on one partition from time 0 and then
/// dropped. The model is deterministic, so every process that runs the pilot gets the same counts and the same layout; the run itself
/// starts from time 0 on that layout.
/// </summary>
/// <remarks>
/// The pilot is the model itself rather than an estimate from the traffic settings: what makes partitions uneven is what the run
/// draws (each host's destinations, each flow's ECMP path, a VM's vSwitch work), which only running it knows. It writes nothing: the
/// model keeps what it records in memory until its report, and the pilot never reports.
/// </remarks>
internal static class LayoutPilot
{
    /// <summary>
    /// Events per switch (per unit a layout deals: a rack, or a switch without servers) that make a pilot long enough: fewer, and a few
    /// packets decide where a rack goes. On the 10,240-host fabric (176 switches) at 100 Mb/s per host, 45,000 events: two steps of 1 %.
    /// </summary>
    public const int EventsPerSwitch = 256;

    /// <summary>The most steps of kernel.layout-pilot a pilot runs looking for <see cref="EventsPerSwitch"/>.</summary>
    public const int MaxSteps = 10;

    /// <summary>
    /// By LP id, the events each LP of <paramref name="whole"/> (every LP of the scenario, on one partition) handled in the pilot: steps of
    /// kernel.layout-pilot of the duration, until <see cref="EventsPerSwitch"/> events per switch of the fabric, at most <see cref="MaxSteps"/>
    /// steps (a run whose traffic starts late, or is light, gets a longer pilot; a busy one stops after the first step).
    /// </summary>
    public static long[] EventsByLp(ScenarioSettings scenario, Partition whole, FabricGraph graph)
    {
        var (lpCount, switchCount) = (graph.LpCount, graph.SwitchCount);
        whole.Start();
        var step = scenario.Kernel.LayoutPilotPs(scenario.DurationPs);
        for (var steps = 1; steps <= MaxSteps && whole.EventsProcessed < (long)EventsPerSwitch * switchCount; steps++)
            whole.RunUntil(Math.Min(scenario.DurationPs, steps * step));
        var events = new long[lpCount];
        foreach (var lp in whole.LocalProcesses) events[lp.Id] = lp.EventsProcessed;
        return events;
    }
}
