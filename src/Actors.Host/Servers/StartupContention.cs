using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Cpu;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// How starts on one server slow each other down. Container starts serialise their network-namespace set-up per
/// kernel (each waits for the ones before it), then wait out the rest of the start. VM boots share the server's
/// cores: a boot's CPU part takes its cycles at the clock rate, stretched by the vCPUs booting at the same time over
/// the cores (processor sharing), then waits out its delay. Used by the endpoints of one server LP in event order,
/// hence deterministic.
/// </summary>
internal sealed class StartupContention(ServerCpu cpu)
{
    private readonly Dictionary<int, long> _netnsFreeAt = new();
    private readonly List<(long CpuEnd, int Vcpus)> _boots = [];

    /// <summary>When a container of <paramref name="runtime"/> created at <paramref name="now"/> in kernel <paramref name="kernel"/> runs.</summary>
    public long ContainerRunningAt(long now, int kernel, RuntimeProfile runtime)
    {
        var setupDone = Math.Max(now, _netnsFreeAt.GetValueOrDefault(kernel)) + runtime.NetnsSetupPs;
        _netnsFreeAt[kernel] = setupDone;
        return setupDone + runtime.StartDelayPs;
    }

    /// <summary>When a VM of <paramref name="vcpus"/> whose boot begins at <paramref name="now"/> runs.</summary>
    public long VmRunningAt(long now, int vcpus, int firstCore, HypervisorProfile profile)
    {
        _boots.RemoveAll(b => b.CpuEnd <= now);
        var booting = vcpus + _boots.Sum(b => b.Vcpus);
        var stretch = Math.Max(1.0, (double)booting / cpu.Cores);
        // The boot's CPU work is single-threaded (firmware, kernel, init) on the VM's first vCPU.
        var cpuEnd = now + (long)Math.Ceiling(cpu.CyclesToPs(profile.BootCycles) * stretch);
        _boots.Add((cpuEnd, vcpus));
        cpu.AccountBoot(firstCore, profile.BootCycles, CpuCategory.GuestKernel);
        return cpuEnd + profile.BootDelayPs;
    }
}
