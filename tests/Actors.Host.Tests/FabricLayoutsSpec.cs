using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>The layouts one process made: each made once however many ask, a failure not kept, the least recently asked for let go.</summary>
public sealed class FabricLayoutsSpec
{
    private static ScenarioSettings Scenario(ulong seed = 1) => TestScenarios.BenchLike(2, 4, 2, SimTime.Millisecond, seed);

    /// <summary>A cache whose layouts are round robin, counting how many it made.</summary>
    private sealed class Counting
    {
        public int Made;
        public Func<ScenarioSettings, int, FabricLayout>? Instead;
        public readonly FabricLayouts Layouts;

        public Counting() => Layouts = new FabricLayouts((s, p) =>
        {
            Interlocked.Increment(ref Made);
            return Instead?.Invoke(s, p) ?? new FabricLayout(s.Datacenter().Topology, p);
        });
    }

    [Fact]
    public void Callers_at_once_must_wait_for_one_make()
    {
        // arrange: a make that takes a while, asked for by eight threads together
        var counting = new Counting();
        counting.Instead = (s, p) =>
        {
            Thread.Sleep(50);
            return new FabricLayout(s.Datacenter().Topology, p);
        };
        var scenario = Scenario();

        // act
        var layouts = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ => counting.Layouts.For(scenario, 2)).ToList();

        // assert
        Assert.Equal(1, counting.Made);
        Assert.All(layouts, l => Assert.Same(layouts[0], l));
    }

    [Fact]
    public void Another_partition_count_another_scenario_or_another_base_directory_must_each_be_made_apart()
    {
        // arrange: the same resolved text from another folder may read other rule files
        var counting = new Counting();
        var scenario = Scenario() with { ResolvedHocon = "seed = 1" };

        // act
        counting.Layouts.For(scenario, 2);
        counting.Layouts.For(scenario with { }, 2);
        counting.Layouts.For(scenario, 3);
        counting.Layouts.For(scenario with { ResolvedHocon = "seed = 2" }, 2);
        counting.Layouts.For(scenario with { BaseDirectory = "/elsewhere" }, 2);

        // assert: the copy with the same text found the first; the other four were made
        Assert.Equal(4, counting.Made);
    }

    [Fact]
    public void A_failed_make_must_be_thrown_and_tried_again_by_the_next_caller()
    {
        // arrange
        var counting = new Counting();
        var failures = 1;
        counting.Instead = (s, p) => failures-- > 0 ? throw new InvalidOperationException("the pilot ran out of memory") : new FabricLayout(s.Datacenter().Topology, p);
        var scenario = Scenario();

        // act
        var error = Assert.Throws<InvalidOperationException>(() => counting.Layouts.For(scenario, 2));
        var layout = counting.Layouts.For(scenario, 2);

        // assert
        Assert.Equal("the pilot ran out of memory", error.Message);
        Assert.Equal(2, layout.Partitions);
        Assert.Equal(2, counting.Made);
    }

    [Fact]
    public void The_least_recently_asked_for_must_go_first()
    {
        // arrange: four kept; the first asked for again before a fifth comes
        var counting = new Counting();
        var scenarios = Enumerable.Range(1, 5).Select(seed => Scenario((ulong)seed)).ToArray();
        foreach (var s in scenarios[..4]) counting.Layouts.For(s, 2);
        counting.Layouts.For(scenarios[0], 2);

        // act
        counting.Layouts.For(scenarios[4], 2);
        counting.Layouts.For(scenarios[0], 2);
        counting.Layouts.For(scenarios[1], 2);

        // assert: the fifth pushed the second out, not the first
        Assert.Equal(6, counting.Made);
    }
}
