using DcSim.ActorsNetwork.Fabric;
using Xunit;

namespace DcSim.ActorsNetwork.Tests;

/// <summary>Racks and switches dealt to partitions by weight (a pilot's events per LP), heaviest first to the lightest partition.</summary>
public sealed class BalancedLayoutSpec
{
    private static FabricGraph LeafSpine(int spines, int leaves, int hostsPerLeaf) => FabricGraph.Of(LeafSpineLayoutSpec.Topology(spines, leaves, hostsPerLeaf));

    /// <summary>By partition, the weight of its LPs.</summary>
    private static long[] Loads(FabricLayout layout, long[] weights)
    {
        var loads = new long[layout.Partitions];
        for (var lp = 0; lp < weights.Length; lp++) loads[layout.PartitionOfLp[lp]] += weights[lp];
        return loads;
    }

    [Fact]
    public void Racks_and_spines_must_go_heaviest_first_to_the_lightest_partition()
    {
        // arrange: 2 spines over 4 racks of 2 hosts; LPs are hosts 0-7, leaves 8-11, spines 12-13. Rack weights (with one per LP) 103, 13,
        // 53, 43; spines 61, 31.
        var graph = LeafSpine(2, 4, 2);
        long[] weights = [50, 50, 5, 5, 20, 20, 10, 10, 0, 0, 10, 20, 60, 30];

        // act
        var layout = new FabricLayout(graph, 2, weights);

        // assert: in weight order, 103 -> p0; 61 -> p1; 53 -> p1 (61 < 103); 43 -> p0 (103 < 114); 31 -> p1 (114 < 146); 13 -> p1 (145 < 146)
        Assert.Equal([0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1], layout.PartitionOfLp);
    }

    [Fact]
    public void A_rack_must_never_split()
    {
        // arrange: every host a different weight
        var graph = LeafSpine(3, 6, 4);
        var weights = Enumerable.Range(0, graph.LpCount).Select(lp => (long)(lp * 7919 % 101)).ToArray();

        // act
        var layout = new FabricLayout(graph, 3, weights);

        // assert
        for (var server = 0; server < graph.ServerCount; server++)
            Assert.Equal(layout.PartitionOfLp[graph.SwitchLp(graph.SwitchOf(server))], layout.PartitionOfLp[server]);
    }

    [Fact]
    public void A_pilot_that_saw_nothing_must_deal_by_size()
    {
        // arrange: no events anywhere: each unit weighs its LPs, a rack 9 (8 hosts and the leaf), a spine 1
        var graph = LeafSpine(4, 8, 8);

        // act
        var layout = new FabricLayout(graph, 4, new long[graph.LpCount]);

        // assert: two racks and one spine each
        Assert.Equal([19, 19, 19, 19], Loads(layout, Enumerable.Repeat(1L, graph.LpCount).ToArray()));
    }

    [Fact]
    public void Uneven_racks_must_end_closer_to_even_than_round_robin()
    {
        // arrange: racks 0, 2, 4 and 6 twice as busy as the others, as when every second rack's hosts send: round robin puts them all on
        // partition 0 of 2
        var graph = LeafSpine(2, 8, 4);
        var weights = new long[graph.LpCount];
        for (var server = 0; server < graph.ServerCount; server++) weights[server] = graph.SwitchOf(server) % 2 == 0 ? 200 : 100;

        // act
        var balanced = Loads(new FabricLayout(graph, 2, weights), weights);
        var roundRobin = Loads(new FabricLayout(graph, 2), weights);

        // assert
        Assert.Equal([3200, 1600], roundRobin);
        Assert.Equal([2400, 2400], balanced);
    }

    [Theory]
    [InlineData(new[] { 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1 }, "", -1)]
    [InlineData(new[] { 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0 }, "a layout of 13 LPs for a fabric of 14", -1)]
    [InlineData(new[] { 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 2 }, "on partition 2 of 2", 13)]
    [InlineData(new[] { 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1 }, "apart from its switch: a rack never splits", 1)]
    public void A_layout_another_process_made_must_be_one_of_this_fabric_s(int[] partitionOfLp, string problem, int lp)
    {
        // arrange: 2 spines over 4 racks of 2 hosts; LPs are hosts 0-7, leaves 8-11, spines 12-13
        var graph = LeafSpine(2, 4, 2);

        // act
        var error = Record.Exception(() => FabricLayout.Given(graph, 2, partitionOfLp));

        // assert
        if (problem == "")
        {
            Assert.Null(error);
            return;
        }
        Assert.IsType<ArgumentException>(error);
        Assert.Contains(problem, error.Message);
        if (lp >= 0) Assert.Contains(graph.NameOf(lp), error.Message);
    }

    [Fact]
    public void Weights_for_another_fabric_must_be_refused()
    {
        var graph = LeafSpine(2, 4, 2);
        var error = Assert.Throws<ArgumentException>(() => new FabricLayout(graph, 2, new long[5]));
        Assert.Contains("5 weights for 14 LPs", error.Message);
    }
}
