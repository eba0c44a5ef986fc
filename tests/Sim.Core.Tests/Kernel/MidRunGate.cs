namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// Holds every partition that handles an event at or after simulated time <paramref name="at"/> inside that event until the test
/// releases it (a <see cref="RingModel"/> handler hook): the run then stands mid-window for as long as the test needs. Results do
/// not change: only when the events run.
/// </summary>
internal sealed class MidRunGate(long at)
{
    private readonly ManualResetEventSlim _reached = new();
    private readonly ManualResetEventSlim _released = new();

    public void OnHandle(int lp, long time)
    {
        if (time < at || _released.IsSet) return;
        _reached.Set();
        // A test that never releases fails the run (the partition throws) rather than hang it.
        if (!_released.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException($"LP {lp} was held at {time} ps and never released");
    }

    /// <summary>Waits until a partition is held; false when none got there within <paramref name="limit"/>.</summary>
    public bool WaitReached(TimeSpan limit) => _reached.Wait(limit);

    public void Release() => _released.Set();
}
