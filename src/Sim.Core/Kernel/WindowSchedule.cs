namespace DcSim.SimCore.Kernel;

/// <summary>
/// Chooses the windows of a run. A window starts at the earliest pending event anywhere (so empty
/// stretches cost nothing) and is one lookahead long: no event inside it can cause another partition
/// an event inside it. With one partition the lookahead is unbounded and windows are cut only to
/// report progress. Windows never reach past the end of the run.
/// </summary>
public sealed record WindowSchedule(long Lookahead, long EndTime, long ProgressInterval)
{
    /// <summary>The next window, or null when no pending event is before the end of the run.</summary>
    public (long Start, long End)? Next(long earliestPendingEvent)
    {
        if (earliestPendingEvent >= EndTime) return null;
        var length = Lookahead == long.MaxValue ? ProgressInterval : Lookahead;
        var end = earliestPendingEvent > EndTime - length ? EndTime : earliestPendingEvent + length;
        return (earliestPendingEvent, end);
    }
}
