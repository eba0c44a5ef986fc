using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests.Cpu;

/// <summary><see cref="HostCores"/> (a core per flow hash, as RSS) and <see cref="StepCost"/> arithmetic.</summary>
public sealed class ProcessorSpec
{
    private const long GHz = 1_000_000_000;

    [Fact]
    public void Cores_dedicated_to_polling_must_take_no_other_work_while_another_core_can()
    {
        // arrange: cores 0 and 1 of 4 run PMD threads
        var cpu = new ServerCpu(4, GHz);
        cpu.DedicateToPolling(0, CpuCategory.HostUser);
        cpu.DedicateToPolling(1, CpuCategory.HostUser);
        var all = new HostCores(cpu);
        var pmds = new HostCores(cpu, 0, 2);

        // act, assert: RSS passes a polling core's hashes to the next core that does not poll; the PMDs' own range keeps
        // its hashing; the least loaded core is never a polling one, unless the range has nothing else
        Assert.Equal((2, 2, 2, 3), (all.CoreFor(0), all.CoreFor(1), all.CoreFor(2), all.CoreFor(3)));
        Assert.Equal((0, 1), (pmds.CoreFor(0), pmds.CoreFor(1)));
        cpu.Run(2, 0, 1_000, CpuCategory.HostKernel);
        Assert.Equal(3, cpu.LeastLoaded(0));
        Assert.Equal(0, cpu.LeastLoaded(0, 0, 2));
    }

    [Fact]
    public void Host_cores_must_pick_the_core_by_flow_hash_within_their_range()
    {
        // arrange: cores 1 and 2 of a 4-core server
        var cpu = new ServerCpu(4, GHz);
        var cores = new HostCores(cpu, first: 1, count: 2);

        // act: hash 3 -> core 1 + 3 % 2 = 2; hash 4 -> core 1
        var a = cores.Run(0, 1_000, CpuCategory.HostKernel, flowHash: 3);
        var b = cores.Run(0, 500, CpuCategory.HostKernel, flowHash: 4);
        var c = cores.Run(0, 1_000, CpuCategory.HostKernel, flowHash: 5);

        // assert: hashes 3 and 5 share core 2 and queue there
        Assert.Equal((1, 2, 2), (cores.CoreFor(4), cores.CoreFor(3), cores.CoreFor(5)));
        Assert.Equal((SimTime.Microsecond, 500 * SimTime.Nanosecond, 2 * SimTime.Microsecond), (a, b, c));
        Assert.Equal((0L, 500 * SimTime.Nanosecond, 2 * SimTime.Microsecond, 0L), (cpu.FreeAt(0), cpu.FreeAt(1), cpu.FreeAt(2), cpu.FreeAt(3)));
    }

    [Fact]
    public void Host_cores_must_report_overload_of_the_flows_own_core_only()
    {
        var cpu = new ServerCpu(2, GHz, maxBacklog: 1);
        var cores = new HostCores(cpu);
        cores.Run(0, 1_000, CpuCategory.HostKernel, flowHash: 6);   // core 0

        Assert.True(cores.Overloaded(0, flowHash: 8));
        Assert.False(cores.Overloaded(0, flowHash: 7));
        Assert.False(cores.Overloaded(SimTime.Microsecond, flowHash: 8));
    }

    [Fact]
    public void Host_cores_must_refuse_a_range_outside_the_server()
    {
        var cpu = new ServerCpu(4, GHz);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostCores(cpu, first: 3, count: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostCores(cpu, first: -1, count: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostCores(cpu, first: 4));
    }

    [Fact]
    public void A_step_must_cost_its_fixed_part_plus_its_byte_part_rounded_up()
    {
        var cost = new StepCost(1_000, 0.5);
        Assert.Equal(1_073, cost.Cycles(146));
        Assert.Equal(1_002, cost.Cycles(3));      // 1.5 rounds up to 2
        Assert.Equal(1_000, cost.Cycles(0));
        Assert.Equal(7, new StepCost(0, 0.01).Cycles(601)); // 6.01 -> 7
    }

    [Fact]
    public void Steps_must_add_part_by_part()
    {
        var sum = new StepCost(1_000, 0.25) + new StepCost(200, 0.5);
        Assert.Equal(new StepCost(1_200, 0.75), sum);
        Assert.Equal(1_275, sum.Cycles(100));
        Assert.Equal(new StepCost(1_000, 0.25), new StepCost(1_000, 0.25) + StepCost.Free);
    }

    [Fact]
    public void A_free_step_must_complete_at_once_and_cost_nothing_while_a_per_byte_step_is_not_free()
    {
        var cpu = new ServerCpu(1, GHz);
        var cores = new HostCores(cpu);

        Assert.Equal(5_000, cores.Run(5_000, StepCost.Free, 1_500, CpuCategory.HostKernel, flowHash: 0));
        Assert.Equal((0L, 0L), (cpu.FreeAt(0), cpu.CyclesIn(CpuCategory.HostKernel)));
        Assert.False(new StepCost(0, 0.5).IsFree);
        Assert.Equal(5_000 + 750 * 1_000, cores.Run(5_000, new StepCost(0, 0.5), 1_500, CpuCategory.HostKernel, flowHash: 0));
    }
}
