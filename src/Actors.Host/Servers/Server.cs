using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Shell;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// A physical server: one LP holding its components (NIC, an optional vSwitch, the host's stack with its
/// applications — later a hypervisor, VMs and containers) and the CPU they share. Its own counters are
/// the CPU's busy time and cycles per category, summed over the cores, and its idle exits; the component
/// "NAME/cpu" holds each core's busy time per category ("core3_guest_kernel_busy_ps").
/// </summary>
public sealed class Server(int id, string name, ServerCpu cpu) : ComponentLp(id, name)
{
    /// <summary>The kind of the per-core component.</summary>
    public const string CoresKind = "cpu";

    public ServerCpu Cpu { get; } = cpu;

    /// <summary>
    /// Takes the shell's directives whose source is here (docs/directives.md); shared by the partition's servers, it keeps what they
    /// started here and <see cref="Moves"/>.
    /// </summary>
    internal ServerShell? Shell { get; init; }

    /// <summary>The live migrations directives start from here or bring here, on a server that switches VMs; else null.</summary>
    internal DirectedMigrations? Moves => Shell?.MovesOf(this);

    /// <summary>The counter of one core's busy time in a category.</summary>
    public static string CoreBusyCounter(int core, CpuCategory category) =>
        core < CoreBusyNames.Length ? CoreBusyNames[core][(int)category] : $"core{core}_{CpuCategories.BusyCounter(category)}";

    /// <summary>The counter of the cycles run in a category ("guest_kernel_cycles").</summary>
    public static string CyclesCounter(CpuCategory category) => CyclesNames[(int)category];

    // Made once: every server reports them, and a datacenter has thousands.
    private static readonly string[] BusyNames = CpuCategories.All.Select(CpuCategories.BusyCounter).ToArray();
    private static readonly string[] CyclesNames = CpuCategories.All.Select(c => CpuCategories.Name(c).Replace('-', '_') + "_cycles").ToArray();
    private static readonly string[][] CoreBusyNames = Enumerable.Range(0, 64)
        .Select(core => CpuCategories.All.Select(c => $"core{core}_{CpuCategories.BusyCounter(c)}").ToArray()).ToArray();

    /// <summary>The path of a server's per-core counters.</summary>
    public static string CoresPath(string server) => server + "/cpu";

    public override void Report(ResultsBuilder results, long endTime)
    {
        base.Report(results, endTime);
        WriteCpu(results, endTime);
        WriteShell(results);
    }

    public override void Snapshot(ResultsBuilder results)
    {
        base.Snapshot(results);
        WriteCpu(results, Now);
        WriteShell(results);
    }

    public override DirectiveResult? Apply(Directive directive) => Shell?.Apply(this, directive);

    /// <summary>A directive's migration addresses this server's desk wherever it is (<see cref="MigrationDesk.Anywhere"/>).</summary>
    public override void Handle(ref SimEvent e)
    {
        if (e.Component == MigrationDesk.Anywhere && e.Kind == EventKind.Control) Moves!.OnNotice(this, e.Port, in e.Packet);
        else base.Handle(ref e);
    }

    /// <summary>Adds the counters of everything the shell's directives started here.</summary>
    private void WriteShell(ResultsBuilder results) => Shell?.Write(this, results);

    private void WriteCpu(ResultsBuilder results, long now)
    {
        var counters = results.Counters(Name, "server");
        counters["cores"] = Cpu.Cores;
        counters["idle_exits"] = Cpu.IdleExits;
        counters["boot_cycles"] = Cpu.BootCycles;
        foreach (var category in CpuCategories.All)
        {
            counters[BusyNames[(int)category]] = Busy(category, now);
            counters[CyclesCounter(category)] = Cpu.CyclesIn(category);
        }
        var cores = results.Counters(CoresPath(Name), CoresKind);
        for (var core = 0; core < Cpu.Cores; core++)
            foreach (var category in CpuCategories.All)
            {
                // Idle categories are left out (they read as 0): most cores of most servers do nothing in most of them.
                var busy = Cpu.BusyPs(core, category, now);
                if (busy != 0) cores[CoreBusyCounter(core, category)] = busy;
            }
    }

    private long Busy(CpuCategory category, long now)
    {
        long sum = 0;
        for (var core = 0; core < Cpu.Cores; core++) sum += Cpu.BusyPs(core, category, now);
        return sum;
    }
}
