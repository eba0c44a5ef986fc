using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// A physical server: one LP holding its components (NIC, an optional vSwitch, the host's stack with its
/// applications — later a hypervisor, VMs and containers) and the CPU they share. Its own counters are
/// the CPU's busy time per category, summed over the cores.
/// </summary>
public sealed class Server(int id, string name, ServerCpu cpu) : ComponentLp(id, name)
{
    public ServerCpu Cpu { get; } = cpu;

    public override void Report(ResultsBuilder results, long endTime)
    {
        base.Report(results, endTime);
        WriteCpu(results.Counters(Name, "server"), endTime);
    }

    public override void Snapshot(ResultsBuilder results)
    {
        base.Snapshot(results);
        WriteCpu(results.Counters(Name, "server"), Now);
    }

    private void WriteCpu(ComponentCounters counters, long now)
    {
        counters["cores"] = Cpu.Cores;
        foreach (var category in CpuCategories.All) counters[CpuCategories.BusyCounter(category)] = Busy(category, now);
    }

    private long Busy(CpuCategory category, long now)
    {
        long sum = 0;
        for (var core = 0; core < Cpu.Cores; core++) sum += Cpu.BusyPs(core, category, now);
        return sum;
    }
}
