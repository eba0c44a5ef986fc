namespace DcSim.SimCore.Cpu;

/// <summary>What a slice of CPU time was spent on; the categories partition a core's busy time.</summary>
public enum CpuCategory
{
    /// <summary>Host kernel: interrupts, the kernel datapath, netfilter, the kernel side of vhost.</summary>
    HostKernel = 0,
    /// <summary>Host user space: ovs-vswitchd handlers and revalidators, DPDK PMD threads, QEMU.</summary>
    HostUser = 1,
    /// <summary>Guest (VM or container) code.</summary>
    Guest = 2,
}

/// <summary>CPU categories as the result files name them.</summary>
public static class CpuCategories
{
    public static readonly CpuCategory[] All = Enum.GetValues<CpuCategory>();

    public static string Name(CpuCategory c) => c switch
    {
        CpuCategory.HostKernel => "host-kernel",
        CpuCategory.HostUser => "host-user",
        _ => "guest",
    };
}
