using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// A gate threads wait at until it opens again (its generation moves on). A waiter first only spins (<see cref="PauseLimit"/>):
/// most windows' threads arrive within a few microseconds of each other, and a thread that yields or sleeps notices the gate a
/// system call later. Then it spins yielding (up to <see cref="SpinLimit"/>), which lets a partner that shares the core run, then
/// blocks. Opening takes no lock unless a waiter blocks. Broken once, it lets every waiter go for good.
/// </summary>
/// <remarks>
/// The generation, what the waiters spin on, sits on a cache line of its own (<see cref="Line"/>): the writes of whoever shares
/// it would take it away from the spinning threads.
/// </remarks>
internal sealed class SpinGate
{
    /// <summary>How long a waiter only spins: a window's imbalance on an idle machine.</summary>
    public static readonly long PauseLimit = Stopwatch.Frequency / 200_000;   // 5 µs

    /// <summary>
    /// How long a waiter spins (yielding) before it blocks: longer than a busy window (~100-200 µs at 1 Gb/s per host). At 50 µs the
    /// waiters of such windows blocked, and the opener's wake-up put them on its own core, so the two threads took turns (the window
    /// trace: busy stretches overlapped in 43 % of windows, 83 % at 1 ms; docs/benchmarks.md).
    /// </summary>
    public static readonly long SpinLimit = Stopwatch.Frequency / 1_000;   // 1 ms

    private readonly object _lock = new();
    private Line _generation;
    private int _sleepers;
    private volatile bool _broken;

    public long Generation => Volatile.Read(ref _generation.Value);

    public bool Broken => _broken;

    /// <summary>Waits until the generation is past <paramref name="seen"/>; false when the gate was broken instead.</summary>
    public bool Wait(long seen)
    {
        if (Volatile.Read(ref _generation.Value) != seen) return !_broken;
        var began = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (Volatile.Read(ref _generation.Value) == seen && !_broken)
        {
            var waited = Stopwatch.GetTimestamp() - began;
            if (waited < PauseLimit)
            {
                Thread.SpinWait(16);
                continue;
            }
            if (waited < SpinLimit)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            lock (_lock)
            {
                // The opener reads the sleepers after moving the generation on, a waiter the generation after counting itself in
                // (both interlocked, so neither read is ordered before its write): one of them sees the other.
                Interlocked.Increment(ref _sleepers);
                while (Volatile.Read(ref _generation.Value) == seen && !_broken) Monitor.Wait(_lock);
                Interlocked.Decrement(ref _sleepers);
            }
        }
        return !_broken;
    }

    /// <summary>Moves the generation on: every waiter goes.</summary>
    public void Open()
    {
        Interlocked.Increment(ref _generation.Value);
        if (Volatile.Read(ref _sleepers) == 0) return;
        lock (_lock) Monitor.PulseAll(_lock);
    }

    public void Break()
    {
        _broken = true;
        lock (_lock) Monitor.PulseAll(_lock);
    }

    /// <summary>A value alone on its 64-byte cache line (and the adjacent-line prefetcher's pair: 128 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    internal struct Line
    {
        [FieldOffset(64)] public long Value;
    }
}
