namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>Which Open vSwitch datapath a vSwitch models.</summary>
public enum DatapathKind
{
    /// <summary>Linux kernel datapath: megaflow table with a per-CPU mask cache; misses go up to handler threads.</summary>
    Kernel,
    /// <summary>Userspace (DPDK) datapath: exact-match cache, then dpcls megaflows, then upcall; PMD threads poll.</summary>
    Netdev,
}

/// <summary>
/// Sizes and costs of a datapath. Defaults: structure sizes from calibration.md §2 (verified OVS and Linux
/// sources); the cycle costs are assumptions of this model (calibration.md §10 lists them as gaps),
/// chosen so that a 64 B packet through a warm kernel megaflow (≈ 1.9 Mpps per core, calibration.md §11
/// `ovs.kernel.mpps_per_core_64B`) costs ≈ 1,300 cycles at 2.5 GHz end to end.
/// </summary>
public sealed record DatapathProfile(
    DatapathKind Kind,
    int FlowLimit,
    int MaskCacheEntries,
    int EmcEntries,
    int EmcInsertInverseProbability,
    int UpcallQueueCapacity,
    long CyclesPerPacket,
    long CyclesPerEmcLookup,
    long CyclesPerMaskProbe,
    long CyclesPerUpcall,
    long CyclesPerInstall)
{
    /// <summary>flow-limit 200,000 (ofproto.h); mask cache 256 (flow_table.c); upcall queue: assumption.</summary>
    public static DatapathProfile KernelDefaults { get; } = new(DatapathKind.Kernel, 200_000, 256, 0, 0, 4_096,
        CyclesPerPacket: 1_000, CyclesPerEmcLookup: 0, CyclesPerMaskProbe: 100, CyclesPerUpcall: 20_000, CyclesPerInstall: 5_000);

    /// <summary>EMC 8,192 entries, insertion 1 in 100 (dpif-netdev-dfc.h); costs: assumptions (DPDK avoids the kernel's per-packet overhead).</summary>
    public static DatapathProfile NetdevDefaults { get; } = new(DatapathKind.Netdev, 200_000, 0, ExactMatchCache<object>.DefaultEntries, 100, 4_096,
        CyclesPerPacket: 150, CyclesPerEmcLookup: 30, CyclesPerMaskProbe: 60, CyclesPerUpcall: 20_000, CyclesPerInstall: 5_000);
}
