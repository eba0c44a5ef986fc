using System.Runtime.InteropServices;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// Moves a partition thread off a core another partition thread of its process runs on, without pinning it (Linux only, and only
/// when the process may use a core per partition thread).
/// </summary>
/// <remarks>
/// Why: the scheduler wakes a thread that blocked at the barrier on the core of the thread that woke it, and two threads that meet
/// every ~100 µs always look cache-hot to the load balancer, so it never parts them again: on the large fabric at 1 Gb/s the two
/// partition threads ran on one core in 3,910 of 3,925 windows, one at a time, and waited half the run (docs/benchmarks.md, "why two
/// partitions wait"). The move sets the thread's affinity to a free core, which migrates it at once, then gives the whole allowed set
/// back, so the scheduler may still move it later (pinned threads were slower: docs/benchmarks.md, "Issue 14, one sitting").
/// </remarks>
internal static class CoreSpread
{
    private static readonly ulong Allowed = AllowedMask();

    /// <summary>The core the calling thread runs on (a hint: it may have moved by the time the caller reads it).</summary>
    public static int Current => Thread.GetCurrentProcessorId();

    /// <summary>Moving apart is possible: Linux, at least <paramref name="threads"/> cores allowed, all below 64.</summary>
    public static bool Possible(int threads) => Allowed != 0 && ulong.PopCount(Allowed) >= (ulong)threads;

    /// <summary>
    /// Moves the calling thread to an allowed core none of <paramref name="taken"/> holds (negative: no core), then lets it run on
    /// every allowed core again. False when there is none or the system refused (only slower, never wrong).
    /// </summary>
    public static bool MoveOff(ReadOnlySpan<int> taken)
    {
        var free = Allowed;
        foreach (var core in taken)
            if ((uint)core < 64) free &= ~(1UL << core);
        if (free == 0) return false;
        var target = free & (ulong)-(long)free;   // the lowest free core
        var all = Allowed;
        return SchedSetAffinity(0, sizeof(ulong), ref target) == 0 && SchedSetAffinity(0, sizeof(ulong), ref all) == 0;
    }

    private static ulong AllowedMask()
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessorCount > 64) return 0;
        var mask = 0UL;
        return SchedGetAffinity(0, sizeof(ulong), ref mask) == 0 ? mask : 0;
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static extern int SchedGetAffinity(int pid, nint size, ref ulong mask);
}
