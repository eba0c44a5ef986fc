namespace DcSim.SimCore.Kernel;

/// <summary>Which partition runs each LP, and the lookahead that split allows.</summary>
public interface IPartitionLayout
{
    int Partitions { get; }

    /// <summary>Partition index of every LP, by LP id.</summary>
    int[] PartitionOfLp { get; }

    /// <summary>Smallest latency of any cross-partition link; <see cref="long.MaxValue"/> when no link crosses.</summary>
    long Lookahead();
}
