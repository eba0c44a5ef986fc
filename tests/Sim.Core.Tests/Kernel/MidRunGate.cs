using System.Collections.Concurrent;

namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// Holds every partition that handles an event at or after simulated time <paramref name="at"/> inside that event until the test
/// releases it (a <see cref="RingModel"/> handler hook): the run then stands mid-window for as long as the test needs. Results do
/// not change: only when the events run.
/// </summary>
/// <remarks>
/// A checkpoint copies the LPs with their hook, so a partition restored from one holds a copy of the gate: the copy must see the
/// same release, hence the gate's state lives beside the object, found by its number.
/// </remarks>
internal sealed class MidRunGate(long at)
{
    private static readonly ConcurrentDictionary<int, (ManualResetEventSlim Reached, ManualResetEventSlim Released)> Gates = new();
    private static int _gates;

    private readonly int _id = Register();

    private static int Register()
    {
        var id = Interlocked.Increment(ref _gates);
        Gates[id] = (new ManualResetEventSlim(), new ManualResetEventSlim());
        return id;
    }

    public void OnHandle(int lp, long time)
    {
        var (reached, released) = Gates[_id];
        if (time < at || released.IsSet) return;
        reached.Set();
        // A test that never releases fails the run (the partition throws) rather than hang it.
        if (!released.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException($"LP {lp} was held at {time} ps and never released");
    }

    /// <summary>Waits until a partition is held; false when none got there within <paramref name="limit"/>.</summary>
    public bool WaitReached(TimeSpan limit) => Gates[_id].Reached.Wait(limit);

    public void Release() => Gates[_id].Released.Set();
}
