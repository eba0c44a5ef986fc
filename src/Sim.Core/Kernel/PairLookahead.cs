namespace DcSim.SimCore.Kernel;

/// <summary>Lookahead between pairs of partitions, from the latencies of the links between them (<see cref="IPartitionLayout.LinkLatencies"/>).</summary>
public static class PairLookahead
{
    /// <summary>The smallest latency of any link between two partitions; <see cref="long.MaxValue"/> when none crosses.</summary>
    public static long Min(long[][] latencies) => latencies.SelectMany(row => row).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>
    /// By from * <paramref name="n"/> + to: the shortest path of at least one hop over <paramref name="latency"/> (flattened the same
    /// way), <see cref="long.MaxValue"/> when there is none. On the diagonal it is the shortest round trip through another partition:
    /// how soon a partition's own event can come back to it. Floyd-Warshall: partitions are few, and it runs once per run.
    /// </summary>
    public static long[] Reach(long[] latency, int n)
    {
        var reach = (long[])latency.Clone();
        for (var via = 0; via < n; via++)
        for (var from = 0; from < n; from++)
        {
            var first = reach[from * n + via];
            if (first == long.MaxValue) continue;
            for (var to = 0; to < n; to++)
            {
                var second = reach[via * n + to];
                if (second != long.MaxValue && first + second < reach[from * n + to]) reach[from * n + to] = first + second;
            }
        }
        return reach;
    }
}
