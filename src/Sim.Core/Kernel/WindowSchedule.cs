namespace DcSim.SimCore.Kernel;

/// <summary>
/// Chooses the windows of a run. A window starts at the earliest pending event anywhere (so empty
/// stretches cost nothing) and is one lookahead long: no event inside it can cause another partition
/// an event inside it. With one partition the lookahead is unbounded and windows are cut only to
/// report progress. Windows never reach past the end of the run, nor past a time the run is to hold at
/// (<c>holdAt</c>, a client's run-until): cutting a window there changes when events run, never which.
/// </summary>
public sealed record WindowSchedule(long Lookahead, long EndTime, long ProgressInterval)
{
    /// <summary>
    /// The next window, or null when no pending event is before the end of the run; it ends at <paramref name="holdAt"/> at the latest
    /// (which must be after <paramref name="earliestPendingEvent"/>).
    /// </summary>
    public (long Start, long End)? Next(long earliestPendingEvent, long holdAt = long.MaxValue)
    {
        if (earliestPendingEvent >= EndTime) return null;
        var length = Lookahead == long.MaxValue ? ProgressInterval : Lookahead;
        var end = earliestPendingEvent > EndTime - length ? EndTime : earliestPendingEvent + length;
        return (earliestPendingEvent, Math.Min(end, holdAt));
    }
}
