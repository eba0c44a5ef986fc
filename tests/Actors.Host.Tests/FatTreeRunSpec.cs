using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>Whole runs on a k = 4 fat-tree: exact idle-path latency through the servers, the same results on any number of partitions, announcement times.</summary>
public sealed class FatTreeRunSpec
{
    /// <summary>k = 4: 16 hosts, host links 10 Gb/s, switch links 40 Gb/s, 1 us each.</summary>
    private static TopologySettings FatTree(QueueLimit? switchQueue = null) =>
        TestScenarios.Fabric(0, 0, 0, switchQueue: switchQueue) with { Kind = TopologyKind.FatTree, K = 4 };

    [Theory]
    [InlineData(1, 0)] // same edge switch: 2 host links
    [InlineData(3, 2)] // same pod: 2 host links, 2 switch links
    [InlineData(15, 4)] // another pod: 2 host links, 4 switch links
    public void An_idle_fat_tree_must_deliver_after_the_serialization_and_delay_of_every_hop(int target, int switchLinks)
    {
        // arrange: host 0 sends 1000 B datagrams (1066 B on the wire) at 100 Mb/s, 85 us apart: each finds the fabric idle; stacks free
        var scenario = TestScenarios.Scenario(FatTree(), 2 * SimTime.Millisecond, 1,
            TestScenarios.Generator(GeneratorKind.Cbr, [0], 100_000_000, 1000, SimTime.Millisecond, DestinationPattern.Fixed, target: target));

        // act
        var results = InProcessRun.Run(FabricModel.Instance, scenario);

        // assert: 852.8 ns + 1 us per host link, 213.2 ns + 1 us per switch link
        var flow = results.Flows.Values.Single(f => f.Source == 0);
        var expected = 2 * (852_800 + SimTime.Microsecond) + switchLinks * (213_200 + SimTime.Microsecond);
        Assert.Equal(expected, flow.Latency!.MinPs);
        Assert.Equal(expected, flow.Latency.MaxPs);
    }

    private static ScenarioSettings Busy(TopologySettings fabric)
    {
        var hosts = Enumerable.Range(0, fabric.HostCount).ToArray();
        return TestScenarios.Scenario(fabric, 3 * SimTime.Millisecond, 3,
            TestScenarios.Generator(GeneratorKind.Poisson, hosts, 2_000_000_000, 1000, 3 * SimTime.Millisecond, index: 0),
            TestScenarios.Generator(GeneratorKind.OnOff, hosts, 3_000_000_000, 1400, 3 * SimTime.Millisecond, DestinationPattern.Permutation, index: 1),
            TestScenarios.Generator(GeneratorKind.RequestResponse, [0, 1, 2, 3], 50_000_000, 1000, 3 * SimTime.Millisecond, DestinationPattern.Incast, target: 9, index: 2),
            TestScenarios.Generator(GeneratorKind.UdpRr, [10, 11, 12], 1, 1000, 3 * SimTime.Millisecond, index: 3,
                udpRr: TestScenarios.UdpRr(inFlight: 2, timeoutPs: 20 * SimTime.Microsecond)));
    }

    [Fact]
    public void A_fat_tree_run_must_give_the_same_results_on_one_two_and_three_partitions()
    {
        // arrange: overloaded 8-packet switch queues, so that drops and their order matter
        var scenario = Busy(FatTree(new QueueLimit(QueueLimitUnit.Packets, 8)));

        // act
        var one = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 1));
        var two = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 2));
        var three = InProcessRun.Run(FabricModel.Instance, scenario, partitions: 3);

        // assert
        Assert.Equal(one, two);
        Assert.Equal(one, ResultsCodec.Encode(three));
        Assert.True(new RunSummary(three).DroppedPackets > 0, "the load must overflow some queue");
    }

    [Fact]
    public void A_fat_tree_run_restored_from_checkpoints_must_give_the_same_results()
    {
        // arrange
        var scenario = Busy(FatTree(new QueueLimit(QueueLimitUnit.Packets, 8)));

        // act: two partitions, each copied through a checkpoint at every 200th window barrier
        var windows = 0;
        var plain = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 2));
        var restored = ResultsCodec.Encode(InProcessRun.Run(FabricModel.Instance, scenario, partitions: 2, restoreAt: _ => ++windows % 200 == 0));

        // assert
        Assert.True(windows >= 200, $"{windows} windows");
        Assert.Equal(plain, restored);
    }

    [Fact]
    public void An_announcement_must_reach_each_switch_and_server_along_the_fastest_path()
    {
        // arrange
        var graph = FabricGraph.Of(FatTree());
        var announcer = new FabricAnnouncer(graph);
        var host = OutputPort.MinimumLatency(new DataRate(10_000_000_000), SimTime.Microsecond);
        var fabric = OutputPort.MinimumLatency(new DataRate(40_000_000_000), SimTime.Microsecond);

        // act + assert: host 1 shares host 0's edge switch, host 2 its pod, host 15 is in pod 3
        Assert.Equal(1000 + 2 * host, announcer.ReachesServer(0, 1, 1000));
        Assert.Equal(2 * host + 2 * fabric, announcer.ReachesServer(0, 2, 0));
        Assert.Equal(2 * host + 4 * fabric, announcer.ReachesServer(0, 15, 0));
    }
}
