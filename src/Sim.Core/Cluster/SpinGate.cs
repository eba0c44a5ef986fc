using System.Diagnostics;

namespace DcSim.SimCore.Cluster;

/// <summary>
/// A gate threads wait at until it opens again (its generation moves on): they spin for <see cref="SpinLimit"/> first, since the
/// next window is usually a few microseconds away and waking a blocked thread costs about as much, then block. Broken once, it
/// lets every waiter go for good.
/// </summary>
internal sealed class SpinGate
{
    /// <summary>How long a waiter spins before it blocks: longer than most windows, shorter than a scheduler time slice.</summary>
    public static readonly long SpinLimit = Stopwatch.Frequency / 20_000;   // 50 µs

    private readonly object _lock = new();
    private long _generation;
    private int _sleepers;
    private volatile bool _broken;

    public long Generation => Volatile.Read(ref _generation);

    public bool Broken => _broken;

    /// <summary>Waits until the generation is past <paramref name="seen"/>; false when the gate was broken instead.</summary>
    public bool Wait(long seen)
    {
        var until = Stopwatch.GetTimestamp() + SpinLimit;
        var spin = new SpinWait();
        while (Volatile.Read(ref _generation) == seen && !_broken)
        {
            if (Stopwatch.GetTimestamp() < until)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            lock (_lock)
            {
                _sleepers++;
                while (_generation == seen && !_broken) Monitor.Wait(_lock);
                _sleepers--;
            }
        }
        return !_broken;
    }

    /// <summary>Moves the generation on: every waiter goes.</summary>
    public void Open()
    {
        lock (_lock)
        {
            Volatile.Write(ref _generation, _generation + 1);
            if (_sleepers > 0) Monitor.PulseAll(_lock);
        }
    }

    public void Break()
    {
        _broken = true;
        lock (_lock) Monitor.PulseAll(_lock);
    }
}
