using DcSim.ActorsNetwork.Fabric;
using Xunit;

namespace DcSim.ActorsNetwork.Tests;

public sealed class EcmpHashSpec
{
    [Fact]
    public void The_same_flow_must_always_take_the_same_next_hop()
    {
        for (uint h = 0; h < 1000; h++) Assert.Equal(EcmpHash.Select(h * 2654435761u, 7, 8), EcmpHash.Select(h * 2654435761u, 7, 8));
    }

    [Fact]
    public void Flows_must_spread_evenly_over_the_next_hops()
    {
        // arrange: 40,000 distinct flow hashes over 4 spines
        var counts = new int[4];

        // act
        for (uint i = 0; i < 40_000; i++) counts[EcmpHash.Select(i * 0x9E3779B1u ^ (i >> 3), 12, 4)]++;

        // assert: each next hop within 3 % of its fair share
        Assert.All(counts, c => Assert.InRange(c, 9_700, 10_300));
    }

    [Fact]
    public void Different_switches_must_split_the_same_flows_differently()
    {
        var differ = Enumerable.Range(0, 1000).Count(i => EcmpHash.Select((uint)i * 7919u, 1, 4) != EcmpHash.Select((uint)i * 7919u, 2, 4));
        Assert.InRange(differ, 650, 850);
    }
}
