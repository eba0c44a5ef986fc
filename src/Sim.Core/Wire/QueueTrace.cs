namespace DcSim.SimCore.Wire;

/// <summary>
/// Samples an output queue's length (packets waiting) at every multiple of an interval, without a timer: the length only changes when a
/// packet arrives or leaves, so at each change the instants passed since the previous one all saw the length before it. The samples are
/// exact, and a run that never looks at its queues pays nothing (the port has no trace).
/// </summary>
internal sealed class QueueTrace(long intervalPs)
{
    private long _next;

    public List<(long Time, long Value)> Points { get; } = [];

    /// <summary>The queue held <paramref name="length"/> packets from the previous change until <paramref name="now"/>.</summary>
    public void Until(long now, int length)
    {
        for (; _next <= now; _next += intervalPs) Points.Add((_next, length));
    }
}
