namespace DcSim.SimCore.Kernel;

/// <summary>
/// Chooses the windows of a run. A window ends, for each partition, where an event of another partition could first reach it: the
/// lookahead between two partitions comes from the links between them (<see cref="IPartitionLayout.LinkLatencies"/>), and a partition
/// runs ahead as far as every other's earliest event allows (conservative synchronisation with per-channel lookahead). Windows never
/// reach past the end of the run, nor past a time the run is to hold at (<c>holdAt</c>, a client's run-until): cutting a window there
/// changes when events run, never which. With one partition windows are cut only to report progress.
/// </summary>
/// <remarks>
/// <see cref="Next"/> is the first window of a stretch, common to all partitions (the coordinator knows only the earliest event
/// anywhere): <c>[t, t + L)</c> with <c>L</c> the smallest link latency between any two partitions. <see cref="Ends"/> cuts the
/// following ones, per partition: docs/kernel.md ("Per-pair lookahead") gives the rule and why it is safe and always progresses.
/// </remarks>
public sealed class WindowSchedule
{
    /// <summary>By from * <see cref="Partitions"/> + to: the smallest latency of a link between the two, as the layout gave it.</summary>
    private readonly long[] _latency;
    /// <summary>By from * <see cref="Partitions"/> + to: the shortest path of at least one hop over <see cref="_latency"/>.</summary>
    private readonly long[] _reach;

    /// <param name="latencies">By [from][to], the smallest link latency between two partitions (<see cref="IPartitionLayout.LinkLatencies"/>).</param>
    public WindowSchedule(long[][] latencies, long endTime, long progressInterval)
        : this(latencies.SelectMany(row => row.Length == latencies.Length ? row : throw new ArgumentException("the latencies are not square", nameof(latencies))).ToArray(),
            endTime, progressInterval) { }

    /// <param name="latency">The latencies flattened, by from * partitions + to (<see cref="Latency"/>).</param>
    public WindowSchedule(long[] latency, long endTime, long progressInterval)
    {
        Partitions = (int)Math.Sqrt(latency.Length);
        if (Partitions == 0 || Partitions * Partitions != latency.Length) throw new ArgumentException($"{latency.Length} latencies are not a square", nameof(latency));
        _latency = latency;
        _reach = PairLookahead.Reach(latency, Partitions);
        Lookahead = latency.Min();
        EndTime = endTime;
        ProgressInterval = progressInterval;
    }

    /// <summary>Windows of one length common to all partitions (<see cref="long.MaxValue"/>: one partition, cut for progress only).</summary>
    public WindowSchedule(long lookahead, long endTime, long progressInterval) : this([lookahead], endTime, progressInterval) { }

    public static WindowSchedule Of(IPartitionLayout layout, long endTime, long progressInterval) =>
        new(layout.LinkLatencies(), endTime, progressInterval);

    public int Partitions { get; }
    /// <summary>The smallest latency of a link between any two partitions; <see cref="long.MaxValue"/> when none crosses.</summary>
    public long Lookahead { get; }
    public long EndTime { get; }
    public long ProgressInterval { get; }
    /// <summary>The link latencies between partitions, flattened by from * <see cref="Partitions"/> + to (what a stretch carries).</summary>
    public long[] Latency => _latency;

    /// <summary>The shortest path of at least one hop from partition <paramref name="from"/> to <paramref name="to"/>.</summary>
    public long Reach(int from, int to) => _reach[from * Partitions + to];

    /// <summary>
    /// The next window common to all partitions, or null when no pending event is before the end of the run; it ends at
    /// <paramref name="holdAt"/> at the latest (which must be after <paramref name="earliestPendingEvent"/>).
    /// </summary>
    public (long Start, long End)? Next(long earliestPendingEvent, long holdAt = long.MaxValue)
    {
        if (earliestPendingEvent >= EndTime) return null;
        var length = Lookahead == long.MaxValue ? ProgressInterval : Lookahead;
        var end = earliestPendingEvent > EndTime - length ? EndTime : earliestPendingEvent + length;
        return (earliestPendingEvent, Math.Min(end, holdAt));
    }

    /// <summary>
    /// After a window: each partition's next window end, written to <paramref name="ends"/> (which may be <paramref name="positions"/>
    /// itself), or false when the partitions are to stand where they are: they stand at one time and either <paramref name="park"/> is
    /// wanted or no event is left before the end of the run. When they are to stand but do not yet stand at one time, the windows
    /// written align them: each ends at the furthest partition's position at the latest.
    /// </summary>
    /// <param name="positions">Each partition's position: the end of the window it last ran (every local event before it handled).</param>
    /// <param name="held">Each partition's earliest event it holds (sent to it by others not counted).</param>
    /// <param name="sent">
    /// No later than the earliest event each partition sent others in that window (<see cref="long.MaxValue"/>: none). Which partition
    /// got it is not known, so it counts at each partition linked to the sender: the closer it is, the tighter the ends.
    /// </param>
    public bool Ends(ReadOnlySpan<long> positions, ReadOnlySpan<long> held, ReadOnlySpan<long> sent, long holdAt, bool park, Span<long> ends)
    {
        var n = Partitions;
        if (positions.Length != n || held.Length != n || sent.Length != n || ends.Length != n)
            throw new ArgumentException($"the schedule is for {n} partitions, not {positions.Length}");
        var (first, furthest, aligned) = (long.MaxValue, long.MinValue, true);
        for (var k = 0; k < n; k++)
        {
            first = Math.Min(first, Math.Min(held[k], sent[k]));
            aligned &= k == 0 || positions[k] == positions[0];
            furthest = Math.Max(furthest, positions[k]);
        }
        var stand = park || first >= EndTime;
        if (stand && aligned) return false;
        // The earliest event at k once every sent one is delivered: one sent to k is at or after k's position (the last window's bound).
        Span<long> at = n <= 64 ? stackalloc long[n] : new long[n];
        for (var k = 0; k < n; k++)
        {
            at[k] = held[k];
            for (var m = 0; m < n; m++)
                if (m != k && sent[m] != long.MaxValue && _latency[m * n + k] != long.MaxValue) at[k] = Math.Min(at[k], Math.Max(sent[m], positions[k]));
        }
        for (var i = 0; i < n; i++)
        {
            var bound = long.MaxValue;
            for (var k = 0; k < n; k++) bound = Math.Min(bound, Add(at[k], _reach[k * n + i]));
            // Nothing reaches i before its position (the last window's bound said so), whatever this bound's slack.
            var end = bound == long.MaxValue ? Add(first, ProgressInterval) : Math.Max(bound, positions[i]);
            ends[i] = stand ? Math.Min(end, furthest) : Math.Max(positions[i], Math.Min(end, Math.Min(EndTime, holdAt)));
        }
        return true;
    }

    private static long Add(long time, long span) => time > long.MaxValue - span ? long.MaxValue : time + span;
}
