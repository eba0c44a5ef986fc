using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>A balanced layout: a pilot run weighs the LPs, racks and switches are dealt by it, and no result changes.</summary>
public sealed class LayoutPilotSpec
{
    /// <summary>The benchmark's load on 8 racks: each host sends to one random host, so racks and spines carry unequal work.</summary>
    private static ScenarioSettings Bench(PartitionLayoutKind layout = PartitionLayoutKind.Balanced, double pilot = KernelSettings.DefaultLayoutPilot)
    {
        var scenario = TestScenarios.BenchLike(4, 8, 8, 4 * SimTime.Millisecond);
        return scenario with { Kernel = scenario.Kernel with { Layout = layout, LayoutPilot = pilot } };
    }

    /// <summary>By partition, the events its LPs handle in the whole run (<paramref name="eventsByLp"/>, by LP name).</summary>
    private static long[] Loads(IPartitionLayout layout, FabricGraph graph, IReadOnlyDictionary<string, long> eventsByLp)
    {
        var loads = new long[layout.Partitions];
        for (var lp = 0; lp < graph.LpCount; lp++) loads[layout.PartitionOfLp[lp]] += eventsByLp.GetValueOrDefault(graph.NameOf(lp));
        return loads;
    }

    private static double Spread(long[] loads) => loads.Max() / loads.Average() - 1;

    [Fact]
    public void A_balanced_layout_must_spread_the_run_s_events_more_evenly_than_round_robin_and_change_no_result()
    {
        // arrange
        var balanced = Bench();
        var roundRobin = Bench(PartitionLayoutKind.RoundRobin);
        var graph = FabricGraph.Of(balanced.Datacenter().Topology);

        // act
        var one = InProcessRun.Run(new FabricModel(), balanced, partitions: 1);
        var three = InProcessRun.Run(new FabricModel(), balanced, partitions: 3);
        var threeRoundRobin = InProcessRun.Run(new FabricModel(), roundRobin, partitions: 3);
        var balancedLoads = Loads(new FabricModel().Layout(balanced, 3), graph, one.EventsByLp);
        var roundRobinLoads = Loads(new FabricModel().Layout(roundRobin, 3), graph, one.EventsByLp);

        // assert: the whole run's events split within 2 % on the pilot's weights (1 % of the run), where round robin is 10 % off
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(three));
        Assert.Equal(ResultsCodec.Encode(one), ResultsCodec.Encode(threeRoundRobin));
        Assert.InRange(Spread(roundRobinLoads), 0.05, 1);
        Assert.InRange(Spread(balancedLoads), 0, 0.02);
    }

    [Fact]
    public void Every_process_must_make_the_same_balanced_layout_and_each_make_it_once()
    {
        // arrange: the coordinator and the partitions each ask; another process has a model of its own
        var scenario = Bench();
        var model = new FabricModel();

        // act
        var first = model.Layout(scenario, 2);
        var again = model.Layout(scenario, 2);
        var elsewhere = new FabricModel().Layout(scenario, 2);

        // assert
        Assert.Same(first, again);
        Assert.NotSame(first, elsewhere);
        Assert.Equal(first.PartitionOfLp, elsewhere.PartitionOfLp);
        Assert.NotEqual(new FabricLayout(scenario.Datacenter().Topology, 2).PartitionOfLp, first.PartitionOfLp);
    }

    [Fact]
    public void A_scenario_parsed_again_from_its_text_must_find_the_layout_made_for_it()
    {
        // arrange: a node parses the resolved text it is sent: another settings object with the same text
        const string text = """
            duration = 3ms
            topology { spines = 2, leaves = 4, hosts-per-leaf = 4 }
            traffic.generators = [{ kind = cbr, rate = 1Gbps, destination = random, stop = 2ms }]
            """;
        var model = new FabricModel();
        var sent = ScenarioLoader.Parse(text, "pilot.conf", ".", model);
        var received = sent with { };

        // act, assert
        Assert.NotSame(sent, received);
        Assert.Same(model.Layout(sent, 2), model.Layout(received, 2));
    }

    [Fact]
    public void A_round_robin_layout_must_be_the_deal_the_golden_results_were_made_with()
    {
        // arrange
        var roundRobin = Bench(PartitionLayoutKind.RoundRobin);
        var topology = roundRobin.Datacenter().Topology;

        // act
        var layout = new FabricModel().Layout(roundRobin, 3);

        // assert: leaf l to l mod 3, and not the deal a pilot makes of the same traffic
        Assert.Equal(new FabricLayout(topology, 3).PartitionOfLp, layout.PartitionOfLp);
        Assert.NotEqual(new FabricModel().Layout(Bench(), 3).PartitionOfLp, layout.PartitionOfLp);
    }

    [Fact]
    public void A_partition_must_be_built_on_the_layout_it_is_given_not_on_one_it_makes()
    {
        // arrange: the coordinator's layout, racks 0 and 1 swapped against round robin (a worker never runs the pilot)
        var scenario = Bench(PartitionLayoutKind.RoundRobin);
        var graph = FabricGraph.Of(scenario.Datacenter().Topology);
        var given = new FabricLayout(graph, 2).PartitionOfLp.ToArray();
        for (var lp = 0; lp < given.Length; lp++)
            if (graph.IsServer(lp) ? graph.SwitchOf(lp) < 2 : graph.NameOf(lp) is "leaf0" or "leaf1") given[lp] = 1 - given[lp];

        // act
        var partition = new FabricModel().BuildPartition(scenario, 2, given, 0);

        // assert
        Assert.Equal(Enumerable.Range(0, given.Length).Where(lp => given[lp] == 0), partition.LocalProcesses.Select(lp => lp.Id).Order());
        Assert.Contains(partition.LocalProcesses, lp => lp.Name == "leaf1");
    }
}
