using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests.Cpu;

public sealed class ServerCpuSpec
{
    [Fact]
    public void Work_must_take_cycles_over_the_clock_rate_exactly()
    {
        var cpu = new ServerCpu(2, 2_500_000_000);
        Assert.Equal(400, cpu.CyclesToPs(1));
        Assert.Equal(1_000 * SimTime.Nanosecond, cpu.CyclesToPs(2_500));
        Assert.Equal(334, new ServerCpu(1, 3_000_000_000).CyclesToPs(1)); // 333.3 ps rounded up
    }

    [Fact]
    public void Work_on_a_busy_core_must_queue_behind_earlier_work()
    {
        // arrange: 1 GHz, so a cycle is 1 ns
        var cpu = new ServerCpu(2, 1_000_000_000);

        // act: two items at t = 0 on core 0, one on core 1, one later on core 0 after it is idle again
        var a = cpu.Run(0, 0, 1_000, CpuCategory.HostKernel);
        var b = cpu.Run(0, 0, 500, CpuCategory.HostUser);
        var c = cpu.Run(1, 0, 200, CpuCategory.HostKernel);
        var d = cpu.Run(0, 5 * SimTime.Microsecond, 100, CpuCategory.HostKernel);

        // assert
        Assert.Equal(1 * SimTime.Microsecond, a);
        Assert.Equal(1_500 * SimTime.Nanosecond, b);
        Assert.Equal(200 * SimTime.Nanosecond, c);
        Assert.Equal(5_100 * SimTime.Nanosecond, d);
        Assert.Equal(1_100 * SimTime.Nanosecond, cpu.BusyPs(0, CpuCategory.HostKernel, SimTime.Millisecond));
        Assert.Equal(500 * SimTime.Nanosecond, cpu.BusyPs(0, CpuCategory.HostUser, SimTime.Millisecond));
        Assert.Equal(1_300, cpu.CyclesIn(CpuCategory.HostKernel));
        Assert.Equal(1, cpu.LeastLoaded(SimTime.Microsecond));
    }

    [Fact]
    public void A_polling_core_must_count_as_fully_busy_however_little_work_it_has()
    {
        var cpu = new ServerCpu(4, 2_000_000_000);
        cpu.DedicateToPolling(3, CpuCategory.HostUser);
        cpu.Run(3, 0, 2_000, CpuCategory.HostUser);
        Assert.Equal(SimTime.Millisecond, cpu.BusyPs(3, CpuCategory.HostUser, SimTime.Millisecond));
        Assert.Equal(0.25, cpu.Utilisation(CpuCategory.HostUser, SimTime.Millisecond));
        Assert.Equal(2_000, cpu.CyclesIn(CpuCategory.HostUser));
    }
}
