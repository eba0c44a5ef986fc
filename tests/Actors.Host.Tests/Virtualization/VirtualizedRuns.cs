using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Tests.Virtualization;

/// <summary>
/// Runs scenarios with VMs and containers in process, from HOCON text completed by config/reference.conf, so that the
/// tests check the costs a user gets. The expected numbers of the tests are worked out from reference.conf's costs.
/// </summary>
internal static class VirtualizedRuns
{
    /// <summary>reference.conf's clock, 2.5 GHz: a cycle is exactly 400 ps, so busy times convert to whole cycles.</summary>
    public const long PsPerCycle = 400;

    /// <summary>
    /// Two servers on one leaf with C-states off (no idle exits, so times are sums of work), and KVM boots cut to
    /// 1 ms of CPU (2.5 M cycles) plus 1 ms so that a VM runs from 2 ms: traffic can start soon after.
    /// </summary>
    public const string TwoServers = """
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }

        """;

    public static ScenarioSettings Parse(string text) =>
        ScenarioLoader.Parse(text, "virtualization.conf", Directory.GetCurrentDirectory(), FabricModel.Instance);

    public static ResultsBuilder Run(string text) => InProcessRun.Run(FabricModel.Instance, Parse(text));

    /// <summary>All cycles run on a server's cores, whatever their category (a vCPU's guest work is host-core time too).</summary>
    public static long ServerCycles(ResultsBuilder results, string server) =>
        CpuCategories.All.Sum(c => results.Components[server][CpuCategories.BusyCounter(c)]) / PsPerCycle;

    /// <summary>Data delivered on migration <paramref name="migration"/>'s two servers in <paramref name="period"/> (0 before, 1 during, 2 after).</summary>
    public static long DeliveredAround(ResultsBuilder results, int migration, int period) =>
        results.Histograms.GetValueOrDefault(ActorsHost.Migration.MigrationResults.TrafficFamily)
            ?.GetValueOrDefault(ActorsHost.Migration.MigrationResults.TrafficKey(migration, period))?.Count ?? 0;

    public static UdpRrRow Loop(ResultsBuilder results, int generator = 0) => UdpRrResults.Rows(results).Single(r => r.Generator == generator);

    /// <summary>The flow a generator's packets make from their source (not the responses to them).</summary>
    public static FlowStats FlowOf(ResultsBuilder results, int generator = 0) =>
        results.Flows.Values.Single(f => f.Generator == generator);
}
