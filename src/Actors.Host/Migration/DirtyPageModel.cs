namespace DcSim.ActorsHost.Migration;

/// <summary>
/// How a running VM dirties its memory, after Clark et al., "Live Migration of Virtual Machines", NSDI 2005
/// (calibration.md §5.1): a VM rewrites a set of hot pages, its writable working set (WWS), while the rest
/// of its memory stays clean. The number of distinct pages written during an interval of length t grows
/// at the dirty rate and saturates at the WWS:
/// <code>dirty(t) = min(WWS, rate × t)</code>
/// in whole pages, rounded down. The model is deterministic (no hot/cold page sampling): it gives the
/// closed form V(i+1) = min(WWS, V(i) × rate / bandwidth) for the pre-copy rounds, which the tests check.
/// </summary>
/// <param name="RamBytes">The VM's memory: what round 0 sends.</param>
/// <param name="WritableWorkingSetBytes">The pages the VM keeps rewriting (at most <paramref name="RamBytes"/>).</param>
/// <param name="DirtyBytesPerSecond">Distinct memory written per second, before the WWS bound; 0 for an idle VM.</param>
public sealed record DirtyPageModel(long RamBytes, long WritableWorkingSetBytes, long DirtyBytesPerSecond)
{
    /// <summary>A VM that rewrites all of its memory at <paramref name="dirtyBytesPerSecond"/> (WWS = RAM).</summary>
    public static DirtyPageModel Uniform(long ramBytes, long dirtyBytesPerSecond) => new(ramBytes, ramBytes, dirtyBytesPerSecond);

    /// <summary>The VM's memory in pages, a partial last page counted.</summary>
    public long RamPages(int pageSize) => (RamBytes + pageSize - 1) / pageSize;

    /// <summary>Distinct pages written during <paramref name="interval"/> picoseconds.</summary>
    public long PagesDirtiedDuring(long interval, int pageSize)
    {
        var bound = Math.Min(WritableWorkingSetBytes, RamBytes) / pageSize;
        var written = (Int128)DirtyBytesPerSecond * interval / DcSim.SimCore.Units.SimTime.Second / pageSize;
        return (long)Int128.Min(bound, written);
    }
}
