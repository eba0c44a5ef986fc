namespace DcSim.SimCore.Cpu;

/// <summary>What a slice of CPU time was spent on; the categories partition a core's busy time.</summary>
public enum CpuCategory
{
    /// <summary>Host kernel: interrupts, softirq, the host's network stack, bridges, netfilter, the kernel datapath, vhost threads.</summary>
    HostKernel = 0,
    /// <summary>Host user space: ovs-vswitchd handlers and revalidators, DPDK PMD threads, QEMU's device emulation.</summary>
    HostUser = 1,
    /// <summary>A guest's kernel running on a vCPU: its network stack, virtio driver, interrupts.</summary>
    GuestKernel = 2,
    /// <summary>A guest's applications running on a vCPU (and containers' applications: they are processes of the kernel they share).</summary>
    GuestUser = 3,
    /// <summary>The hypervisor itself: VM exits and entries, interrupt injection.</summary>
    Hypervisor = 4,
}

/// <summary>CPU categories as the result files name them.</summary>
public static class CpuCategories
{
    public static readonly CpuCategory[] All = Enum.GetValues<CpuCategory>();

    public static string Name(CpuCategory c) => c switch
    {
        CpuCategory.HostKernel => "host-kernel",
        CpuCategory.HostUser => "host-user",
        CpuCategory.GuestKernel => "guest-kernel",
        CpuCategory.GuestUser => "guest-user",
        _ => "hypervisor",
    };

    /// <summary>The counter name of a category's busy time ("host_kernel_busy_ps").</summary>
    public static string BusyCounter(CpuCategory c) => Name(c).Replace('-', '_') + "_busy_ps";
}
