namespace DcSim.SimCore.Kernel;

/// <summary>Which partition runs each LP, and the lookahead that split allows between each pair of partitions.</summary>
public interface IPartitionLayout
{
    int Partitions { get; }

    /// <summary>Partition index of every LP, by LP id.</summary>
    int[] PartitionOfLp { get; }

    /// <summary>
    /// By [from][to]: the smallest latency of any link from an LP of partition <c>from</c> to one of partition <c>to</c>;
    /// <see cref="long.MaxValue"/> when no link goes there (always on the diagonal: a link inside a partition is not a crossing).
    /// </summary>
    long[][] LinkLatencies();

    /// <summary>Smallest latency of any cross-partition link; <see cref="long.MaxValue"/> when no link crosses.</summary>
    long Lookahead() => PairLookahead.Min(LinkLatencies());
}
