using DcSim.SimCore.Kernel;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// Numbering of a leaf-spine fabric's LPs and ports, and its split into partitions.
/// </summary>
/// <remarks>
/// LP ids: servers 0..H-1, then leaves, then spines. Server h hangs off leaf h / hostsPerLeaf at that
/// leaf's port h % hostsPerLeaf; leaf l reaches spine s through its port hostsPerLeaf + s, which is
/// spine s's port l. A leaf and its hosts always share a partition (a rack is the natural unit:
/// host links then never cross partitions), racks and spines are dealt round-robin.
/// <para>Leaves that must share a partition (a container move's source and destination racks: its
/// state moves as objects inside one partition) are joined into groups (union-find); the groups are dealt
/// round-robin in the order of their lowest leaf. With no such pairs every leaf is its own group, so
/// leaf l goes to partition l mod P exactly as without them.</para>
/// </remarks>
public sealed class LeafSpineLayout : IPartitionLayout
{
    private readonly int[] _partitionOfLeaf;

    /// <param name="sharedLeaves">Pairs of leaves that must be in one partition, whatever the partition count; none by default.</param>
    public LeafSpineLayout(TopologySettings topology, int partitions, IReadOnlyCollection<(int A, int B)>? sharedLeaves = null)
    {
        Topology = topology;
        Partitions = Math.Max(1, partitions);
        HostCount = topology.HostCount;
        LpCount = HostCount + topology.Leaves + topology.Spines;
        _partitionOfLeaf = DealLeaves(topology.Leaves, Partitions, sharedLeaves ?? []);
        PartitionOfLp = new int[LpCount];
        for (var lp = 0; lp < LpCount; lp++) PartitionOfLp[lp] = ComputePartition(lp);
    }

    public TopologySettings Topology { get; }
    public int Partitions { get; }
    public int HostCount { get; }
    public int LpCount { get; }
    public int[] PartitionOfLp { get; }

    public int LeafLp(int leaf) => HostCount + leaf;
    public int SpineLp(int spine) => HostCount + Topology.Leaves + spine;
    public int LeafOfHost(int host) => host / Topology.HostsPerLeaf;
    public int HostPortOnLeaf(int host) => host % Topology.HostsPerLeaf;
    public int SpinePortOnLeaf(int spine) => Topology.HostsPerLeaf + spine;

    public bool IsHost(int lp) => lp < HostCount;
    public bool IsLeaf(int lp) => lp >= HostCount && lp < HostCount + Topology.Leaves;

    public string NameOf(int lp) =>
        lp < HostCount ? $"host{lp}"
        : lp < HostCount + Topology.Leaves ? $"leaf{lp - HostCount}"
        : $"spine{lp - HostCount - Topology.Leaves}";

    /// <summary>
    /// The conservative lookahead: the smallest latency (minimum-frame serialization + propagation)
    /// of any link whose ends are in different partitions; <see cref="long.MaxValue"/> when none is.
    /// </summary>
    public long Lookahead()
    {
        var lookahead = long.MaxValue;
        for (var h = 0; h < HostCount; h++)
        {
            if (PartitionOfLp[h] != PartitionOfLp[LeafLp(LeafOfHost(h))])
                lookahead = Math.Min(lookahead, OutputPort.MinimumLatency(Topology.HostLink.Rate, Topology.HostLink.DelayPs));
        }
        for (var l = 0; l < Topology.Leaves; l++)
        for (var s = 0; s < Topology.Spines; s++)
        {
            if (PartitionOfLp[LeafLp(l)] != PartitionOfLp[SpineLp(s)])
                lookahead = Math.Min(lookahead, OutputPort.MinimumLatency(Topology.FabricLink.Rate, Topology.FabricLink.DelayPs));
        }
        return lookahead;
    }

    private int ComputePartition(int lp)
    {
        if (lp < HostCount) return _partitionOfLeaf[LeafOfHost(lp)];
        if (lp < HostCount + Topology.Leaves) return _partitionOfLeaf[lp - HostCount];
        return (lp - HostCount - Topology.Leaves) % Partitions;
    }

    /// <summary>Each leaf's partition: groups of leaves joined by <paramref name="pairs"/>, dealt round-robin by their lowest leaf.</summary>
    private static int[] DealLeaves(int leaves, int partitions, IReadOnlyCollection<(int A, int B)> pairs)
    {
        var parent = new int[leaves];
        for (var l = 0; l < leaves; l++) parent[l] = l;
        foreach (var (a, b) in pairs)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(Math.Min(a, b), nameof(pairs));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(Math.Max(a, b), leaves, nameof(pairs));
            var (ra, rb) = (Root(parent, a), Root(parent, b));
            // The lower root wins, so a group's root is its lowest leaf.
            if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        var partitionOf = new int[leaves];
        var groups = 0;
        for (var l = 0; l < leaves; l++)
        {
            var root = Root(parent, l);
            // Leaves are visited in order, so a group's root (its lowest leaf) is met before the rest of it.
            partitionOf[l] = root == l ? groups++ % partitions : partitionOf[root];
        }
        return partitionOf;
    }

    private static int Root(int[] parent, int leaf)
    {
        while (parent[leaf] != leaf) leaf = parent[leaf] = parent[parent[leaf]];
        return leaf;
    }
}
