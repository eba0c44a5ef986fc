using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests.Cpu;

/// <summary>C-state exits, the packet backlog and side-accounted work of <see cref="ServerCpu"/>; 1 GHz, so a cycle is 1 ns.</summary>
public sealed class CpuIdleAndBacklogSpec
{
    private const long Us = SimTime.Microsecond;
    private const long GHz = 1_000_000_000;

    [Fact]
    public void Work_must_pay_the_idle_exit_latency_when_its_core_has_been_idle_for_the_threshold()
    {
        // arrange: exit 2 us after 50 us idle; every item is 1000 cycles = 1 us
        var cpu = new ServerCpu(1, GHz, idleExitPs: 2 * Us, idleThresholdPs: 50 * Us);

        // act + assert
        Assert.Equal(1 * Us, cpu.Run(0, 0, 1_000, CpuCategory.HostKernel));         // idle 0 us since the start
        Assert.Equal(11 * Us, cpu.Run(0, 10 * Us, 1_000, CpuCategory.HostKernel));  // idle 9 us: awake
        Assert.Equal(12 * Us, cpu.Run(0, 10 * Us, 1_000, CpuCategory.HostKernel)); // queued behind: busy, no exit
        Assert.Equal(0, cpu.IdleExits);
        Assert.Equal(103 * Us, cpu.Run(0, 100 * Us, 1_000, CpuCategory.HostKernel)); // idle 88 us: 2 us exit, then 1 us
        Assert.Equal(156 * Us, cpu.Run(0, 153 * Us, 1_000, CpuCategory.HostKernel)); // idle exactly 50 us: exits too
        Assert.Equal(2, cpu.IdleExits);
        // the exits delay the work but are not busy time
        Assert.Equal(5 * Us, cpu.BusyPs(0, CpuCategory.HostKernel, SimTime.Second));
    }

    [Fact]
    public void A_polling_core_must_never_pay_an_idle_exit()
    {
        var cpu = new ServerCpu(2, GHz, idleExitPs: 2 * Us, idleThresholdPs: 50 * Us);
        cpu.DedicateToPolling(1, CpuCategory.HostUser);

        Assert.Equal(101 * Us, cpu.Run(1, 100 * Us, 1_000, CpuCategory.HostUser));
        Assert.Equal(103 * Us, cpu.Run(0, 100 * Us, 1_000, CpuCategory.HostUser));
        Assert.Equal(1, cpu.IdleExits);
    }

    [Fact]
    public void A_core_must_be_overloaded_while_it_holds_max_backlog_unfinished_items()
    {
        // arrange: room for two items; two of 1 us each at t = 0 finish at 1 and 2 us
        var cpu = new ServerCpu(2, GHz, maxBacklog: 2);
        cpu.Run(0, 0, 1_000, CpuCategory.HostKernel);
        cpu.Run(0, 0, 1_000, CpuCategory.HostKernel);

        // assert: full until the first is done, at exactly 1 us; the other core is free
        Assert.True(cpu.Overloaded(0, 0));
        Assert.True(cpu.Overloaded(0, Us - 1));
        Assert.False(cpu.Overloaded(0, Us));
        Assert.False(cpu.Overloaded(1, 0));
    }

    [Fact]
    public void Work_that_continues_an_item_must_hold_no_backlog_place_but_still_queue()
    {
        // arrange: room for two; a packet's kernel item and its application's continuation
        var cpu = new ServerCpu(1, GHz, maxBacklog: 2);
        cpu.Run(0, 0, 1_000, CpuCategory.HostKernel);
        var done = cpu.Run(0, 0, 1_000, CpuCategory.HostUser, newItem: false);

        // assert: one place taken, and the continuation ran after the item
        Assert.False(cpu.Overloaded(0, 0));
        Assert.Equal(2 * Us, done);
        cpu.Run(0, 0, 1_000, CpuCategory.HostKernel);
        Assert.True(cpu.Overloaded(0, 0));
    }

    [Fact]
    public void An_unbounded_backlog_must_never_overload()
    {
        var cpu = new ServerCpu(1, GHz);
        for (var i = 0; i < 10_000; i++) cpu.Run(0, 0, 1_000, CpuCategory.HostKernel);
        Assert.False(cpu.Overloaded(0, 0));
        Assert.Equal(0, cpu.MaxBacklog);
    }

    [Fact]
    public void Accounted_work_must_add_busy_time_and_cycles_without_delaying_queued_work()
    {
        // arrange
        var cpu = new ServerCpu(1, GHz);

        // act: 3000 cycles of a boot beside the packet path, then a 100-cycle item at t = 0
        cpu.Account(0, 3_000, CpuCategory.Hypervisor);
        var done = cpu.Run(0, 0, 100, CpuCategory.HostKernel);

        // assert
        Assert.Equal(100 * 1_000, done);
        Assert.Equal(3 * Us, cpu.BusyPs(0, CpuCategory.Hypervisor, SimTime.Second));
        Assert.Equal(3_000, cpu.CyclesIn(CpuCategory.Hypervisor));
        Assert.Equal(100 * 1_000, cpu.FreeAt(0));
    }
}
