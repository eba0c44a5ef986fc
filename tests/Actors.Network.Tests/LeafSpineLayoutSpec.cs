using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests;

/// <summary>Racks and spines dealt to partitions, and the lookahead the layout gives.</summary>
public sealed class LeafSpineLayoutSpec
{
    internal static TopologySettings Topology(int spines, int leaves, int hostsPerLeaf)
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
    public void Layout_must_deal_racks_and_spines_round_robin(int spines, int leaves, int hostsPerLeaf, int partitions)
    {
        // arrange: the assignment the golden results were made with: host h with its leaf h / hostsPerLeaf, leaf l to l mod P, spine s to s mod P
        var topology = Topology(spines, leaves, hostsPerLeaf);
        var hosts = leaves * hostsPerLeaf;
        var expected = Enumerable.Range(0, hosts).Select(h => h / hostsPerLeaf % partitions)
            .Concat(Enumerable.Range(0, leaves).Select(l => l % partitions))
            .Concat(Enumerable.Range(0, spines).Select(s => s % partitions));

        // act
        var layout = new FabricLayout(topology, partitions);

        // assert
        Assert.Equal(expected, layout.PartitionOfLp);
    }

    [Fact]
    public void Racks_must_be_the_switches_with_servers()
    {
        // arrange: a leaf-spine's racks are its leaves; a k = 4 fat-tree's its 8 edge switches
        var leafSpine = FabricGraph.Of(Topology(3, 5, 2));
        var fatTree = FabricGraph.Of(Topology(0, 0, 0) with { Kind = TopologyKind.FatTree, K = 4 });

        // act, assert
        Assert.Equal(5, FabricLayout.RackCount(leafSpine));
        Assert.Equal(8, FabricLayout.RackCount(fatTree));
    }

    [Fact]
    public void Lookahead_must_be_the_fastest_link_between_partitions()
    {
        // arrange: one spine over two racks
        var topology = Topology(1, 2, 2);

        // act
        var apart = new FabricLayout(topology, 2);
        var alone = new FabricLayout(topology, 1);

        // assert: on two partitions rack 1 reaches the spine across them; on one, no link crosses
        Assert.Equal(OutputPort.MinimumLatency(topology.FabricLink.Rate, topology.FabricLink.DelayPs), apart.Lookahead());
        Assert.Equal(long.MaxValue, alone.Lookahead());
    }

    [Fact]
    public void Link_latencies_must_link_only_the_partitions_a_link_joins_and_reach_the_others_through_them()
    {
        // arrange: one spine over three racks on three partitions: the spine with rack 0 on partition 0, racks 1 and 2 alone
        var topology = Topology(1, 3, 2);
        var hop = OutputPort.MinimumLatency(topology.FabricLink.Rate, topology.FabricLink.DelayPs);

        // act
        var layout = new FabricLayout(topology, 3);
        var schedule = WindowSchedule.Of(layout, SimTime.Second, SimTime.Millisecond);

        // assert: racks 1 and 2 have no link between them: they are two hops apart, through the spine's partition
        Assert.Equal([[long.MaxValue, hop, hop], [hop, long.MaxValue, long.MaxValue], [hop, long.MaxValue, long.MaxValue]], layout.LinkLatencies());
        Assert.Equal((2 * hop, 2 * hop, hop), (schedule.Reach(1, 2), schedule.Reach(0, 0), schedule.Lookahead));
    }
}
