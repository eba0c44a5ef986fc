namespace DcSim.SimCore.Cluster;

/// <summary>
/// What a process's garbage collector did over a stretch of time: bytes allocated (all threads), collections, and the time they paused
/// the process. A partition reports its process's over its run: a window that allocates pays in pauses its peers wait out.
/// </summary>
public readonly record struct ProcessMemory(long AllocatedBytes, long Collections, long PauseMicroseconds)
{
    /// <summary>The process's totals since it started.</summary>
    public static ProcessMemory Now() =>
        new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), (long)GC.GetTotalPauseDuration().TotalMicroseconds);

    public static ProcessMemory operator -(ProcessMemory end, ProcessMemory start) =>
        new(end.AllocatedBytes - start.AllocatedBytes, end.Collections - start.Collections, end.PauseMicroseconds - start.PauseMicroseconds);
}
