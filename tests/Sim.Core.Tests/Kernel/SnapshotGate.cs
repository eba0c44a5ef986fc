namespace DcSim.SimCore.Tests.Kernel;

/// <summary>
/// Holds every LP that takes a snapshot (a <see cref="RingModel"/> snapshot hook) until the test releases it: a query's answers then
/// stay out for as long as the test needs, while the coordinator waits for them.
/// </summary>
internal sealed class SnapshotGate
{
    private readonly ManualResetEventSlim _reached = new();
    private readonly ManualResetEventSlim _released = new();

    public void OnSnapshot(int lp)
    {
        _reached.Set();
        // A test that never releases fails the query rather than hang the partition.
        if (!_released.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException($"LP {lp} was held taking a snapshot and never released");
    }

    /// <summary>Waits until an LP is held; false when none got there within <paramref name="limit"/>.</summary>
    public bool WaitReached(TimeSpan limit) => _reached.Wait(limit);

    public void Release() => _released.Set();
}
