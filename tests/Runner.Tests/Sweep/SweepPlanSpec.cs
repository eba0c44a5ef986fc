using DcSim.ActorsHost.Settings;
using DcSim.Runner.Sweep;
using Xunit;

namespace DcSim.Runner.Tests.Sweep;

public sealed class SweepPlanSpec
{
    private const string Scenario = """
        name = "plan"
        duration = 1ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [ { kind = cbr, rate = 10Mbps } ]
        """;

    private static SweepPlan Make(params string[] varies) =>
        SweepPlan.Make(Scenario, "plan.conf", ".", varies.Select(v => SweepAxis.Parse(v, out _)!).ToList(), seed: null, force: false);

    [Fact]
    public void Make_must_load_every_point_with_its_values()
    {
        // act
        var plan = Make("topology.spines=1,2", "traffic.generators[0].rate=10Mbps,20Mbps,30Mbps");

        // assert
        Assert.Empty(plan.Errors);
        Assert.Equal(6, plan.Points.Count);
        Assert.Equal([1, 1, 1, 2, 2, 2], plan.Points.Select(p => p.Settings.Datacenter().Topology.Spines));
        Assert.Equal("topology.spines=2, traffic.generators[0].rate=30Mbps", plan.Points[5].Point.Label);
        Assert.Equal(6, plan.Points.Select(p => p.Settings.ResolvedHocon).Distinct().Count());
    }

    [Fact]
    public void A_named_axis_must_set_all_its_keys_at_each_value_and_show_its_labels()
    {
        // act
        var plan = Make("fabric=small:{topology.spines=1; traffic.generators[0].rate=10Mbps},big:{topology.spines=2; topology.leaves=3; traffic.generators[0].rate=20Mbps}");

        // assert
        Assert.Empty(plan.Errors);
        Assert.Equal(["fabric=small", "fabric=big"], plan.Points.Select(p => p.Point.Label));
        var big = plan.Points[1].Settings.Datacenter();
        Assert.Equal((2, 3, 20_000_000L), (big.Topology.Spines, big.Topology.Leaves, big.Generators[0].Rate.BitsPerSecond));
        Assert.Equal(1, plan.Points[0].Settings.Datacenter().Topology.Spines);
    }

    [Fact]
    public void A_bad_key_in_a_named_axis_must_be_said_against_the_axis_and_its_label()
    {
        // act
        var plan = Make("fabric=small:{topology.spines=1},big:{topology.spine=2}");

        // assert
        var error = Assert.Single(plan.Errors);
        Assert.StartsWith("dcsim: --vary fabric=big: topology.spine: unknown key 'spine'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("topology.spine=1,2", "dcsim: --vary topology.spine: unknown key 'spine'; did you mean 'spines'?")]
    [InlineData("topology.spines=1,many", "dcsim: --vary topology.spines=many: ")]
    [InlineData("traffic.generators[0].rate=10Mbps,fast", "dcsim: --vary traffic.generators[0].rate=fast: ")]
    [InlineData("traffic.generators[1].rate=10Mbps", "dcsim: --vary traffic.generators[1].rate=10Mbps: the scenario has nothing at 'traffic.generators[1].rate' to change")]
    public void Make_must_name_the_vary_of_a_bad_key_or_value_once(string vary, string expected)
    {
        // act
        var plan = Make(vary, "topology.leaves=2,3");

        // assert
        var error = Assert.Single(plan.Errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Make_must_keep_the_file_line_of_an_error_elsewhere_that_a_points_values_provoke()
    {
        // arrange: generator hosts 0-3 exist with 2 hosts per leaf, not with 1
        var plan = SweepPlan.Make(Scenario.Replace("rate = 10Mbps", "rate = 10Mbps, hosts = \"0-3\"", StringComparison.Ordinal), "plan.conf", ".",
            [SweepAxis.Parse("topology.hosts-per-leaf=1,2", out _)!], seed: null, force: false);

        // act
        var error = Assert.Single(plan.Errors);

        // assert
        Assert.StartsWith("dcsim: at topology.hosts-per-leaf=1: plan.conf:4: traffic.generators[0].hosts", error, StringComparison.Ordinal);
        Assert.Single(plan.Points);
    }
}
