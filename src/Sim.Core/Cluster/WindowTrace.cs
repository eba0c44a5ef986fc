using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// A diagnostic ring of what happened to one partition of <see cref="LocalWindows"/> per window: when its thread started and ended its
/// window, handed over, and when the thread that took in its events next passed the barrier and took them in; the CPU time of running
/// the window, how many events it handled, sent and received, the process's gen0 collections and the CPUs it ran on and was taken in on.
/// On only when the environment variable <see cref="Variable"/> names a file prefix: each partition's trace is then written, its last
/// <see cref="Capacity"/> windows, to PREFIX.GROUP.pN.csv when the group is disposed (the run ends). Off, a partition holds none and
/// its thread pays one null test per window.
/// </summary>
/// <remarks>
/// Compares the threads window by window (docs/benchmarks.md, "why two partitions wait"): whether they run at the same time, which one
/// the other waits for, and what the hand-over costs; and, by the thread's CPU time against its wall time, how much of a window was the
/// thread's own work and how much preemption (on a loaded machine the wall time says little). Wall time is only written out: it never reaches the simulation.
/// </remarks>
internal sealed class WindowTrace
{
    public const string Variable = "DCSIM_WINDOW_TRACE";
    public const int Capacity = 1 << 16;

    private static readonly string? Prefix = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } p ? p : null;

    private readonly int _group;
    private readonly int _index;
    private readonly Entry[] _ring = new Entry[Capacity];
    private long _count;

    private WindowTrace(int group, int index) => (_group, _index) = (group, index);

    /// <summary>
    /// A trace for partition <paramref name="index"/> of <paramref name="group"/>, or null when tracing is off. Files are
    /// named after the group's identity hash: a run id repeats when a process runs a scenario again.
    /// </summary>
    public static WindowTrace? For(LocalWindows group, int index) =>
        Prefix is null ? null : new WindowTrace(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(group), index);

    /// <summary>
    /// One window: timestamps (<see cref="Stopwatch.GetTimestamp"/>) before and after running it, after handing over, after the barrier
    /// and after taking in; the thread's CPU time running it (ns, <see cref="ThreadCpuNs"/>); events handled, sent to and received from the other partitions.
    /// </summary>
    public record struct Entry(long Window, long Began, long Ran, long HandedOver, long Passed, long TookIn, long RunCpuNs, long Events, int Sent, int Received, int Gen0, int CpuRan, int CpuPassed);

    /// <summary>The calling thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID; a system call); 0 off Linux.</summary>
    public static long ThreadCpuNs() => OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuClock, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;

    private const int ThreadCpuClock = 3;   // CLOCK_THREAD_CPUTIME_ID

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public void Add(in Entry entry) => _ring[_count++ % Capacity] = entry;

    /// <summary>Writes the ring, oldest first, timestamps in microseconds.</summary>
    public void Write()
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"{Prefix}.{_group:x8}.p{_index}.csv");
        using var writer = new StreamWriter(path);
        writer.WriteLine("window,began_us,ran_us,handed_over_us,passed_us,took_in_us,run_cpu_us,events,sent,received,gen0,cpu_ran,cpu_passed");
        var us = 1e6 / Stopwatch.Frequency;
        for (var i = Math.Max(0, _count - Capacity); i < _count; i++)
        {
            var e = _ring[i % Capacity];
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Window},{e.Began * us:0.0},{e.Ran * us:0.0},{e.HandedOver * us:0.0},{e.Passed * us:0.0},{e.TookIn * us:0.0},{e.RunCpuNs / 1e3:0.0},{e.Events},{e.Sent},{e.Received},{e.Gen0},{e.CpuRan},{e.CpuPassed}"));
        }
    }
}
