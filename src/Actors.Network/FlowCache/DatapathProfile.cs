using DcSim.ActorsNetwork.Ovs;

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
/// Sizes and costs of a datapath, read from the scenario (topology.vswitch.kernel and .netdev, with flow-limit,
/// upcall-queue and emc-insert-inv-prob); config/reference.conf gives every default and its source.
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
    /// <summary>The kernel datapath as reference.conf sets it up (for runs without a scenario: the cache sweep, tests).</summary>
    public static DatapathProfile KernelDefaults => (VSwitchOptions.Defaults with { Datapath = VSwitchDatapath.Kernel }).Profile;

    /// <summary>The netdev datapath as reference.conf sets it up (for runs without a scenario: the cache sweep, tests).</summary>
    public static DatapathProfile NetdevDefaults => (VSwitchOptions.Defaults with { Datapath = VSwitchDatapath.Netdev }).Profile;
}
