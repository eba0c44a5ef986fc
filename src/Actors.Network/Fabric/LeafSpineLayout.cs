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
/// host links then never cross partitions), racks and spines are dealt round-robin: leaf l and its hosts
/// to partition l mod P, spine s to s mod P.
/// </remarks>
public sealed class LeafSpineLayout : IPartitionLayout
{
    public LeafSpineLayout(TopologySettings topology, int partitions)
    {
        Topology = topology;
        Partitions = Math.Max(1, partitions);
        HostCount = topology.HostCount;
        LpCount = HostCount + topology.Leaves + topology.Spines;
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
        if (lp < HostCount) return LeafOfHost(lp) % Partitions;
        if (lp < HostCount + Topology.Leaves) return (lp - HostCount) % Partitions;
        return (lp - HostCount - Topology.Leaves) % Partitions;
    }

}
