using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests;

/// <summary>Racks and spines dealt to partitions; leaves joined by pairs (a live migration's racks) share one.</summary>
public sealed class LeafSpineLayoutSpec
{
    private static TopologySettings Topology(int spines, int leaves, int hostsPerLeaf)
    {
        var link = new LinkSettings(new DataRate(10_000_000_000), SimTime.Microsecond);
        var queue = new QueueSettings(new QueueLimit(QueueLimitUnit.Packets, 100), EcnMarking.Off);
        return new TopologySettings(spines, leaves, hostsPerLeaf, link, link, queue, queue);
    }

    [Theory]
    [InlineData(2, 4, 8, 1)]
    [InlineData(2, 4, 8, 3)]
    [InlineData(3, 5, 2, 2)]
    [InlineData(1, 2, 4, 4)]
    public void Layout_must_deal_racks_and_spines_round_robin_when_no_leaves_are_joined(int spines, int leaves, int hostsPerLeaf, int partitions)
    {
        // arrange: the assignment the golden results were made with: host h with its leaf h / hostsPerLeaf, leaf l to l mod P, spine s to s mod P
        var topology = Topology(spines, leaves, hostsPerLeaf);
        var hosts = leaves * hostsPerLeaf;
        var expected = Enumerable.Range(0, hosts).Select(h => h / hostsPerLeaf % partitions)
            .Concat(Enumerable.Range(0, leaves).Select(l => l % partitions))
            .Concat(Enumerable.Range(0, spines).Select(s => s % partitions));

        // act
        var layout = new LeafSpineLayout(topology, partitions, []);

        // assert
        Assert.Equal(expected, layout.PartitionOfLp);
        Assert.Equal(new LeafSpineLayout(topology, partitions).PartitionOfLp, layout.PartitionOfLp);
    }

    [Fact]
    public void Joined_leaves_must_share_a_partition_and_groups_must_be_dealt_by_their_lowest_leaf()
    {
        // arrange: 6 leaves, 3 partitions; leaves 1-4 and 4-5 joined (one group {1, 4, 5}), the rest alone
        var topology = Topology(2, 6, 2);

        // act
        var layout = new LeafSpineLayout(topology, 3, [(4, 1), (5, 4)]);

        // assert: groups in order of their lowest leaf: {0} -> 0, {1, 4, 5} -> 1, {2} -> 2, {3} -> 0; hosts follow their leaf
        var leaves = Enumerable.Range(0, 6).Select(l => layout.PartitionOfLp[layout.LeafLp(l)]);
        Assert.Equal([0, 1, 2, 0, 1, 1], leaves);
        Assert.Equal([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 1, 1], layout.PartitionOfLp[..12]);
        Assert.Equal([0, 1], [layout.PartitionOfLp[layout.SpineLp(0)], layout.PartitionOfLp[layout.SpineLp(1)]]);
    }

    [Fact]
    public void Lookahead_must_be_computed_from_the_joined_layout()
    {
        // arrange: one spine over two racks, two partitions: apart, rack 1 reaches the spine across partitions
        var topology = Topology(1, 2, 2);

        // act
        var apart = new LeafSpineLayout(topology, 2);
        var joined = new LeafSpineLayout(topology, 2, [(0, 1)]);

        // assert: joined, every LP is in partition 0 and no link crosses
        Assert.Equal(OutputPort.MinimumLatency(topology.FabricLink.Rate, topology.FabricLink.DelayPs), apart.Lookahead());
        Assert.All(joined.PartitionOfLp, p => Assert.Equal(0, p));
        Assert.Equal(long.MaxValue, joined.Lookahead());
    }
}
