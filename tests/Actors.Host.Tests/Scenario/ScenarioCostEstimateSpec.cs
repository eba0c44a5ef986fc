using DcSim.ActorsHost.Settings;
using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>
/// The estimated memory and events of a run, and the checks that refuse (or warn about) what cannot fit or
/// finish (issue 8, defect 13): hosts-per-leaf = 65536, leaves = 1000000, rate = 1000Tbps, 1 ps on/off periods.
/// </summary>
public sealed class ScenarioCostEstimateSpec
{
    private const string Cbr = """
        duration = 1s
        topology { spines = 2, leaves = 4, hosts-per-leaf = 8 }
        traffic.generators = [
          { kind = cbr, rate = 80Mbps, packet-size = 1000B }
        ]
        """;

    private static ScenarioSettings Load(string text, ScenarioChecks checks, out IReadOnlyList<ScenarioError> warnings) =>
        ScenarioLoader.Parse(text, FileName, Directory.GetCurrentDirectory(), FabricModel.Instance, null, checks, out warnings);

    [Fact]
    public void Estimate_must_count_packets_times_events_per_packet_and_hosts_times_their_memory()
    {
        // act
        var cost = Parse(Cbr).Model.EstimateCost();

        // assert: 32 hosts × 80 Mb/s / 8,000 bits per packet × 1 s = 320,000 packets, and one flow per host
        Assert.Equal(320_000 * DatacenterCost.EventsPerPacket + 32, cost.Events, 6);
        Assert.Equal("traffic.generators[0].rate", cost.EventsKey);
        var memory = ScenarioCostEstimate.BaseBytes + 32 * DatacenterCost.BytesPerHost + 4 * 2 * DatacenterCost.BytesPerFabricLink
            + 6 * 4 * DatacenterCost.BytesPerRoute + 32 * DatacenterCost.BytesPerFlow;
        Assert.Equal(memory, cost.MemoryBytes, 6);
        Assert.Equal("topology.hosts-per-leaf", cost.MemoryKey);
    }

    [Fact]
    public void Estimate_must_count_routing_tables_of_every_switch_by_every_leaf()
    {
        // act: 30,000 leaves of one host each; the tables hold a reference per switch (30,002) and destination leaf (30,000)
        var cost = Parse("topology { spines = 2, leaves = 30000, hosts-per-leaf = 1 }\n").Model.EstimateCost();

        // assert: 7.2 GB of routes against 360 MB of hosts and 120 MB of fabric links
        var routes = 30_002.0 * 30_000 * DatacenterCost.BytesPerRoute;
        Assert.Equal(ScenarioCostEstimate.BaseBytes + 30_000 * DatacenterCost.BytesPerHost + 60_000 * DatacenterCost.BytesPerFabricLink + routes,
            cost.MemoryBytes, 6);
        Assert.Equal("topology.leaves", cost.MemoryKey);
        Assert.True(routes > cost.MemoryBytes / 2);
    }

    [Fact]
    public void Estimate_must_count_on_off_switches_and_name_the_on_period_when_they_dominate()
    {
        var cost = Parse(Cbr.Replace("kind = cbr,", "kind = on-off, on-off { on = 1ps, off = 1ps },")).Model.EstimateCost();

        // 32 hosts × 2 switches per 2 ps period × 1 s; half the packets of the CBR case
        Assert.Equal(32 * 1e12 + 160_000 * DatacenterCost.EventsPerPacket + 32, cost.Events, 6);
        Assert.Equal("traffic.generators[0].on-off.on", cost.EventsKey);
    }

    [Fact]
    public void Estimate_must_bound_a_udp_rr_loop_by_its_shortest_round_trip()
    {
        var cost = Parse(Cbr.Replace("kind = cbr,", "kind = udp-rr, udp-rr.transactions-in-flight = 2,")).Model.EstimateCost();

        // four host-link crossings of a minimum frame: 4 × (84 B at 10 Gb/s + 1 us) = 4.2688 us; 2 transactions
        // outstanding for 1 s, 2 packets each; two flows (requests, responses) per host
        var transactions = 2 * 1e12 / 4_268_800;
        Assert.Equal(32 * (2 * transactions * DatacenterCost.EventsPerPacket + 2), cost.Events, 6);
        Assert.Equal("traffic.generators[0].udp-rr.transactions-in-flight", cost.EventsKey);
    }

    [Theory]
    [InlineData("rate = 80Mbps", "rate = 1000Tbps", "traffic.generators[0].rate", 4)]
    [InlineData("kind = cbr,", "kind = on-off, on-off { on = 1ps, off = 1ps },", "traffic.generators[0].on-off.on", 4)]
    public void Checks_must_refuse_a_run_with_more_events_than_the_limit_at_the_key_that_drives_them(string find, string replace, string key, int line)
    {
        // act
        var failure = Assert.Throws<ScenarioException>(() => Load(Cbr.Replace(find, replace), new ScenarioChecks(), out _));

        // assert
        var error = AssertError(failure, key, line, "events", "--force");
        Assert.DoesNotContain("warning", error.Message);
    }

    [Fact]
    public void Checks_must_refuse_a_run_that_needs_more_memory_than_the_machine_has()
    {
        // act: 1,000,000 leaves × 8 hosts at 12 KB each is 96 GB, 2,000,000 fabric links 4 GB, and the routing tables a reference
        // per switch (1,000,002) and leaf: 8 TB
        var failure = Assert.Throws<ScenarioException>(() =>
            Load("topology {\n  leaves = 1000000\n}\n", new ScenarioChecks { MaxMemoryBytes = 16e9 }, out _));

        // assert
        AssertError(failure, "topology.leaves", 2, "more memory than this machine has (16 GB)", "8.1 TB");
    }

    [Fact]
    public void Checks_must_warn_instead_of_refusing_when_forced()
    {
        // act
        var s = Load(Cbr.Replace("80Mbps", "1000Tbps"), new ScenarioChecks { Force = true }, out var warnings);

        // assert
        Assert.Equal(1_000_000_000_000_000, s.Datacenter().Generators[0].Rate.BitsPerSecond);
        var warning = Assert.Single(warnings);
        Assert.Equal((FileName, 4, "traffic.generators[0].rate"), (warning.File, warning.Line, warning.Key));
        Assert.StartsWith("warning: the run needs an estimated", warning.Message);
        Assert.Contains("running anyway: --force", warning.Message);
    }

    [Fact]
    public void Checks_must_warn_above_the_softer_thresholds_and_stay_silent_below()
    {
        var quiet = new ScenarioChecks();
        Load(Cbr, quiet, out var none);
        Load(Cbr, quiet with { WarnEvents = 1e6, WarnMemoryBytes = 50e6 }, out var two);

        Assert.Empty(none);
        Assert.Equal(["topology.hosts-per-leaf", "traffic.generators[0].rate"], two.Select(w => w.Key).Order());
        Assert.All(two, w => Assert.StartsWith("warning: ", w.Message));
    }

    [Fact]
    public void Checks_must_report_the_model_problems_at_the_line_of_their_key()
    {
        // arrange
        var checks = new ScenarioChecks { Model = _ => [new ScenarioProblem("topology.vswitch.rules", "rules.txt:3: token 'x': unknown field")] };

        // act
        var failure = Assert.Throws<ScenarioException>(() => Load("seed = 2\ntopology {\n  vswitch {\n    enabled = true\n  }\n}\n", checks, out _));

        // assert: the rules key is not set, so its closest enclosing key
        AssertError(failure, "topology.vswitch.rules", 3, "rules.txt:3: token 'x'");
    }
}
