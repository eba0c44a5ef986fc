using DcSim.ActorsHost;
using DcSim.ActorsHost.Settings;
using DcSim.Runner.Sweep;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.Runner.Tests.Sweep;

public sealed class ScenarioOverrideSpec
{
    private const string Scenario = """
        name = "override"
        duration = 1ms
        topology {
          spines = 1, leaves = 2, hosts-per-leaf = 2
          host-link { rate = 10Gbps, delay = 1us }
        }
        traffic.generators = [
          { kind = cbr, rate = 10Mbps, packet-size = 1000B, hosts = "0-1" }
          { kind = cbr, rate = 20Mbps, hosts = [2, 3] }
        ]
        """;

    private static ScenarioSettings Load(string text) => ScenarioLoader.Parse(text, "override.conf", ".", FabricModel.Instance);

    private static string Apply(string text, string key, string value) =>
        ScenarioOverride.Apply(text, key, value, out var error) ?? throw new InvalidOperationException(error);

    [Fact]
    public void Apply_must_set_a_key_inside_an_object_the_file_wrote_and_keep_its_siblings()
    {
        // act
        var text = Apply(Scenario, "topology.host-link.rate", "25Gbps");

        // assert
        Assert.StartsWith(Scenario, text, StringComparison.Ordinal);
        var changed = Load(text).Datacenter().Topology;
        var original = Load(Scenario).Datacenter().Topology;
        Assert.Equal(25_000_000_000, changed.HostLink.Rate.BitsPerSecond);
        Assert.Equal(original.HostLink.DelayPs, changed.HostLink.DelayPs);
        Assert.Equal(original.HostCount, changed.HostCount);
    }

    [Fact]
    public void Apply_must_replace_one_value_of_a_list_element_and_add_one_the_element_left_to_the_defaults()
    {
        // act
        var text = Apply(Apply(Scenario, "traffic.generators[0].packet-size", "64B"), "traffic.generators[1].packet-size", "1500B");

        // assert: only the two sizes differ from the file's own settings
        var expected = Scenario.Replace("packet-size = 1000B", "packet-size = 64B", StringComparison.Ordinal)
            .Replace("rate = 20Mbps,", "rate = 20Mbps, packet-size = 1500B,", StringComparison.Ordinal);
        Assert.Equal(Load(expected).ResolvedHocon, Load(text).ResolvedHocon);
        Assert.NotEqual(Load(Scenario).ResolvedHocon, Load(text).ResolvedHocon);
    }

    [Theory]
    [InlineData("traffic.generators[2].rate", "the scenario has nothing at 'traffic.generators[2].rate' to change ('traffic.generators' has 2 element(s))")]
    [InlineData("topology[0].spines", "'topology' is not a list in the scenario")]
    [InlineData("traffic.flows[0].rate", "the scenario does not set the list 'traffic.flows', so it has no element to change")]
    public void Apply_must_refuse_an_index_the_scenario_does_not_have(string key, string expected)
    {
        // act
        var text = ScenarioOverride.Apply(Scenario, key, "1", out var error);

        // assert
        Assert.Null(text);
        Assert.Equal(expected, error);
    }
}
