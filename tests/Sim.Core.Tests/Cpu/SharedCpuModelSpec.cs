using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests.Cpu;

/// <summary>
/// Servers built alike share one <see cref="CpuModel"/>, and a CPU that has run nothing holds no per-core state (issue 14, item 6):
/// each must still count as if it had its own from the start.
/// </summary>
public sealed class SharedCpuModelSpec
{
    private const long Us = SimTime.Microsecond;
    private const long GHz = 1_000_000_000;

    [Fact]
    public void A_cpu_that_has_run_nothing_must_read_as_idle_from_the_start()
    {
        var cpu = new ServerCpu(new CpuModel(4, GHz, idleExitPs: 2 * Us, idleThresholdPs: 50 * Us, maxBacklog: 8));

        cpu.ResetAccounting();

        Assert.Equal((4, GHz, 8), (cpu.Cores, cpu.ClockHz, cpu.MaxBacklog));
        Assert.Equal(0, cpu.FreeAt(3));
        Assert.Equal(0, cpu.LeastLoaded(10 * Us));
        Assert.False(cpu.Overloaded(2, 0));
        Assert.Equal((0L, 0L, 0L, 0L), (cpu.IdleExits, cpu.BootCycles, cpu.CyclesIn(CpuCategory.HostKernel), cpu.BusyPs(1, CpuCategory.HostKernel, SimTime.Second)));
        Assert.Equal(0, cpu.Utilisation(CpuCategory.HostKernel, SimTime.Second));
    }

    [Fact]
    public void Two_cpus_of_one_model_must_keep_their_own_work()
    {
        // arrange: 1 GHz, so 1000 cycles are 1 us
        var model = new CpuModel(2, GHz);
        var a = new ServerCpu(model);
        var b = new ServerCpu(model);

        // act
        a.Run(1, 0, 1_000, CpuCategory.HostUser);
        a.AccountBoot(0, 3_000, CpuCategory.GuestKernel);

        // assert: a's work is a's alone
        Assert.Equal(1 * Us, a.FreeAt(1));
        Assert.Equal(0, a.LeastLoaded(0)); // a boot is accounted beside the queue: core 0 is still free
        Assert.Equal((1_000L, 3_000L, 3 * Us), (a.CyclesIn(CpuCategory.HostUser), a.BootCycles, a.BusyPs(0, CpuCategory.GuestKernel, SimTime.Second)));
        Assert.Equal((0L, 0L, 0L), (b.FreeAt(1), b.CyclesIn(CpuCategory.HostUser), b.BootCycles));
    }

    [Fact]
    public void A_model_must_refuse_no_cores_or_no_clock()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuModel(0, GHz));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuModel(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuModel(1, GHz, idleExitPs: -1));
    }
}
