using System.Runtime.InteropServices;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// Keeps a partition's thread on one core (Linux only, and only when the process may use at least one core per partition thread):
/// a thread the scheduler moves to the other core leaves its partition's events and LPs in the first core's L1 and L2 and fetches
/// them again, and two partition threads that meet at a barrier every few microseconds otherwise get moved about often.
/// </summary>
internal static class ThreadAffinity
{
    /// <summary>Pins the calling thread, partition <paramref name="index"/> of <paramref name="threads"/>, to a core of its own.</summary>
    public static void PinIfEnoughCores(int index, int threads)
    {
        if (!OperatingSystem.IsLinux() || threads < 2) return;
        var cores = AllowedCores();
        if (cores.Count < threads || cores[^1] >= 64) return;
        var mask = 1UL << cores[index];
        // Not pinned is only slower, never wrong: a refusal (a cgroup's cpuset changed meanwhile) is ignored.
        _ = SchedSetAffinity(0, sizeof(ulong), ref mask);
    }

    /// <summary>The cores this process may run on, in order.</summary>
    private static List<int> AllowedCores()
    {
        var cores = new List<int>();
        var mask = 0UL;
        if (SchedGetAffinity(0, sizeof(ulong), ref mask) != 0) return cores;
        for (var core = 0; core < 64; core++)
            if ((mask & (1UL << core)) != 0) cores.Add(core);
        return cores;
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static extern int SchedGetAffinity(int pid, nint size, ref ulong mask);
}
