using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>Valid scenarios: the example, the defaults, value forms, and the resolved rendering.</summary>
public sealed class ScenarioLoaderSpec
{
    [Fact]
    public void Example_scenario_loads_with_its_values_and_the_defaults()
    {
        var s = ScenarioLoader.Load(Path.Combine(RepoRoot, "config", "scenarios", "leaf-spine-small.conf"), FabricModel.Instance);

        Assert.Equal("leaf-spine-small", s.Name);
        Assert.Equal(1UL, s.Seed);
        // The example's run length is tuned for benchmarks; only its shape matters here.
        Assert.True(s.DurationPs > 0 && s.DurationPs % SimTime.Millisecond == 0);
        var t = s.Datacenter().Topology;
        Assert.Equal((2, 4, 8, 32), (t.Spines, t.Leaves, t.HostsPerLeaf, t.HostCount));
        Assert.Equal(new LinkSettings(new DataRate(10_000_000_000), SimTime.Microsecond), t.HostLink);
        Assert.Equal(new LinkSettings(new DataRate(40_000_000_000), SimTime.Microsecond), t.FabricLink);
        Assert.Equal(new QueueLimit(QueueLimitUnit.Packets, 1000), t.HostQueue.Limit);
        Assert.Equal(new QueueLimit(QueueLimitUnit.Bytes, 1_000_000), t.SwitchQueue.Limit);
        Assert.Equal(new EcnMarking(EcnMode.Off, 65, new RedParameters(50, 150, 0.1, 0.002)), t.HostQueue.Ecn);
        Assert.Equal(new EcnMarking(EcnMode.Off, 98_670, new RedParameters(75_900, 227_700, 0.1, 0.002)), t.SwitchQueue.Ecn);
        var g = Assert.Single(s.Datacenter().Generators);
        Assert.Equal(0, g.Index);
        Assert.Equal(GeneratorKind.Cbr, g.Kind);
        Assert.Equal(Enumerable.Range(0, 32), g.Hosts);
        Assert.Equal(new DataRate(100_000_000), g.Rate);
        Assert.Equal(1000, g.PacketBytes);
        Assert.Equal(DestinationPattern.Random, g.Destination);
        Assert.Equal(0, g.StartPs);
        Assert.True(g.StopPs < s.DurationPs && g.StopPs % SimTime.Millisecond == 0);
        Assert.Null(g.FlowSizes);
        Assert.Equal(new KernelSettings(0, SimTime.Millisecond, 0, TimeSpan.FromSeconds(30)), s.Kernel);
    }

    [Fact]
    public void Empty_scenario_is_all_defaults()
    {
        var s = Parse("");

        Assert.Equal("unnamed", s.Name);
        Assert.Equal(1UL, s.Seed);
        Assert.Equal(10 * SimTime.Millisecond, s.DurationPs);
        Assert.Equal((2, 4, 8), (s.Datacenter().Topology.Spines, s.Datacenter().Topology.Leaves, s.Datacenter().Topology.HostsPerLeaf));
        Assert.Empty(s.Datacenter().Generators);
        Assert.Equal(new KernelSettings(0, SimTime.Millisecond, 0, TimeSpan.FromSeconds(30)), s.Kernel);
    }

    [Fact]
    public void Empty_generator_is_completed_from_the_generator_defaults()
    {
        var s = Parse("duration = 3ms\ntraffic.generators = [ {} ]");

        var g = Assert.Single(s.Datacenter().Generators);
        Assert.Equal(GeneratorKind.Cbr, g.Kind);
        Assert.Equal(Enumerable.Range(0, 32), g.Hosts);
        Assert.Equal(new DataRate(100_000_000), g.Rate);
        Assert.Equal(1000, g.PacketBytes);
        Assert.Equal(SizeDistribution.Fixed, g.SizeDistribution);
        Assert.Equal(DestinationPattern.Random, g.Destination);
        Assert.Equal(0, g.TargetHost);
        Assert.Null(g.FlowSizes);
        Assert.Equal(0, g.StartPs);
        Assert.Equal(3 * SimTime.Millisecond, g.StopPs); // stop = "" is the scenario duration
        Assert.Equal(new OnOffSettings(SimTime.Millisecond, SimTime.Millisecond, PeriodDistribution.Exponential), g.OnOff);
        Assert.Equal(new RequestResponseSettings(100, 10_000, null, 10 * SimTime.Microsecond, PeriodDistribution.Exponential), g.RequestResponse);
    }

    [Fact]
    public void A_partly_set_object_keeps_the_defaults_of_its_other_keys()
    {
        var s = Parse("topology { host-link { rate = 25Gbps } }\ntraffic.generators = [ { on-off { off = 3ms } } ]");

        Assert.Equal(new LinkSettings(new DataRate(25_000_000_000), SimTime.Microsecond), s.Datacenter().Topology.HostLink);
        Assert.Equal(new OnOffSettings(SimTime.Millisecond, 3 * SimTime.Millisecond, PeriodDistribution.Exponential), s.Datacenter().Generators[0].OnOff);
    }

    [Fact]
    public void Values_in_every_accepted_form_are_read()
    {
        var s = Parse("""
            name = "mixed"
            seed = 18446744073709551615
            duration = 1.5ms
            topology {
              host-queue { limit = 64KiB, unit = bytes }
              switch-queue { limit = 20000, unit = bytes }
            }
            traffic.generators = [
              { kind = on-off, hosts = ["4-6", 2, 5, "0"], rate = 1.5 Gbps, destination = fixed, target = 7, start = 0, stop = 1ms }
              { kind = request-response, hosts = 3, destination = incast, target = 31, size-distribution = exponential }
            ]
            kernel { partitions = 4, progress-interval = 250us, checkpoint-interval = 5ms, checkpoint-wall-interval = off }
            """);

        Assert.Equal("mixed", s.Name);
        Assert.Equal(ulong.MaxValue, s.Seed);
        Assert.Equal(1_500_000_000, s.DurationPs);
        Assert.Equal(new QueueLimit(QueueLimitUnit.Bytes, 65536), s.Datacenter().Topology.HostQueue.Limit);
        Assert.Equal(new QueueLimit(QueueLimitUnit.Bytes, 20000), s.Datacenter().Topology.SwitchQueue.Limit);
        Assert.Equal([0, 2, 4, 5, 6], s.Datacenter().Generators[0].Hosts);
        Assert.Equal(new DataRate(1_500_000_000), s.Datacenter().Generators[0].Rate);
        Assert.Equal((GeneratorKind.OnOff, DestinationPattern.Fixed, 7), (s.Datacenter().Generators[0].Kind, s.Datacenter().Generators[0].Destination, s.Datacenter().Generators[0].TargetHost));
        Assert.Equal(1, s.Datacenter().Generators[1].Index);
        Assert.Equal([3], s.Datacenter().Generators[1].Hosts);
        Assert.Equal(SizeDistribution.Exponential, s.Datacenter().Generators[1].SizeDistribution);
        Assert.Equal(new KernelSettings(4, 250 * SimTime.Microsecond, 5 * SimTime.Millisecond, TimeSpan.Zero), s.Kernel);
    }

    [Fact]
    public void Ecn_amounts_are_read_in_the_queue_s_unit()
    {
        var s = Parse("""
            topology {
              host-queue { limit = 100, unit = packets, ecn { mode = threshold, threshold = 20 } }
              switch-queue {
                limit = 500KB, unit = bytes
                ecn { mode = red, threshold = 30KB, red { min = 20000, max = 60KB, max-probability = 1, weight = 0.5 } }
              }
            }
            """);

        var t = s.Datacenter().Topology;
        Assert.Equal(new EcnMarking(EcnMode.Threshold, 20, new RedParameters(50, 150, 0.1, 0.002)), t.HostQueue.Ecn);
        Assert.Equal(new EcnMarking(EcnMode.Red, 30_000, new RedParameters(20_000, 60_000, 1, 0.5)), t.SwitchQueue.Ecn);
    }

    [Fact]
    public void Seed_override_replaces_the_seed_of_the_file()
    {
        var s = Parse("seed = 5", seed: 42);

        Assert.Equal(42UL, s.Seed);
        Assert.Contains("seed = 42\n", s.ResolvedHocon);
    }

    [Fact]
    public void Cdf_paths_are_relative_to_the_scenario_file()
    {
        using var dir = new TempDirectory();
        dir.Write("cdf/web.txt", "# web search\n100 0\n1000 50\n10000 100\n");
        var scenario = dir.Write("scenarios/s.conf",
            "traffic.generators = [ { flow-size-cdf = \"../cdf/web.txt\", request-response.response-size-cdf = \"../cdf/web.txt\" } ]\n");

        var g = Assert.Single(ScenarioLoader.Load(scenario, FabricModel.Instance).Datacenter().Generators);

        Assert.Equal("../cdf/web.txt", g.FlowSizes!.Source);
        Assert.Equal((100 + 1000) / 2.0 * 0.5 + (1000 + 10000) / 2.0 * 0.5, g.FlowSizes.Mean, 6);
        Assert.Same(g.FlowSizes, g.RequestResponse.ResponseSizes); // one file is read once
    }

    [Fact]
    public void Resolved_hocon_is_sorted_complete_and_canonical()
    {
        var s = Parse("duration = 1000us\ntopology.spines = 3\ntraffic.generators = [ { hosts = [1, 2, 3, 4, 9], packet-size = 1500B } ]");

        var resolved = s.ResolvedHocon;
        Assert.StartsWith("containers = []\ncosts {\n", resolved);
        Assert.Contains("\nduration = 1ms\nkernel {\n  partitions = auto\n  progress-interval = 1ms\n}\nname = \"unnamed\"\nseed = 1\nservers {\n", resolved);
        Assert.Contains("      hosts = [\"1-4\", 9]\n", resolved);
        Assert.Contains("      packet-size = 1500B\n", resolved);
        Assert.Contains("      stop = 1ms\n", resolved);
        Assert.Contains("""
              switch-queue {
                ecn {
                  mode = off
                  red {
                    max = 227700B
                    max-probability = 0.1
                    min = 75900B
                    weight = 0.002
                  }
                  threshold = 98670B
                }
                limit = 1MB
                trace = ""
                unit = bytes
              }

            """, resolved);
        Assert.Contains("      on-off {\n        off = 1ms\n        on = 1ms\n        periods = exponential\n      }\n", resolved);
    }

    [Fact]
    public void Resolved_hocon_parses_back_to_the_same_settings()
    {
        using var dir = new TempDirectory();
        dir.Write("sizes.cdf", "64 0.1\n1500 0.9\n64000 1\n");
        var original = Parse("""
            name = "round \"trip\" \\ test"
            seed = 7
            duration = 2500100ns
            topology {
              spines = 3, leaves = 5, hosts-per-leaf = 3
              host-link { rate = 25Gbps, delay = 1500ns }
              fabric-link { rate = 100Gbps, delay = 0s }
              host-queue { limit = 70000, unit = bytes, ecn { mode = red, red { min = 3000, max = 30KB, max-probability = 0.25, weight = 1 } } }
              switch-queue { limit = 40, unit = packets, ecn { mode = threshold, threshold = 20 } }
            }
            traffic.generators = [
              { kind = poisson, hosts = ["0-5", 9, 11, 12], rate = 2Gbps, packet-size = 1200B, size-distribution = exponential, destination = permutation, flow-size-cdf = "sizes.cdf", start = 100us, stop = 2ms }
              { kind = on-off, hosts = all, rate = 123456bps, destination = incast, target = 14, on-off { on = 10us, off = 0s, periods = fixed } }
              { kind = request-response, hosts = [0, 1], destination = fixed, target = 2, request-response { request-size = 64B, response-size = 1MiB, response-size-cdf = "sizes.cdf", service-time = 0s, service-distribution = fixed } }
            ]
            kernel { partitions = 2, progress-interval = 100us, layout = round-robin, layout-pilot = 0.05 }
            """, dir.Path);

        var again = Parse(original.ResolvedHocon, dir.Path);

        AssertSameSettings(original, again);
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
        Assert.Equal((PartitionLayoutKind.RoundRobin, 0.05), (again.Kernel.Layout, again.Kernel.LayoutPilot));
        Assert.Contains("  layout = round-robin\n  layout-pilot = 0.05\n", original.ResolvedHocon);
    }

    public static TheoryData<string> ExampleScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "config", "scenarios"), "*.conf").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleScenarios))]
    public void Every_example_scenario_loads_and_its_resolved_hocon_parses_back_to_the_same_settings(string fileName)
    {
        var directory = Path.Combine(RepoRoot, "config", "scenarios");
        var original = ScenarioLoader.Load(Path.Combine(directory, fileName), FabricModel.Instance);

        var again = ScenarioLoader.Parse(original.ResolvedHocon, "resolved.conf", directory, FabricModel.Instance);

        AssertSameSettings(original, again);
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
    }

    /// <summary>Record equality compares lists and CDFs by reference, so compare those by content.</summary>
    private static void AssertSameSettings(ScenarioSettings expected, ScenarioSettings actual)
    {
        var (expectedModel, actualModel) = (expected.Datacenter(), actual.Datacenter());
        Assert.Equal(expected with { ResolvedHocon = "", Model = expectedModel with { Generators = [] } }, actual with { ResolvedHocon = "", Model = actualModel with { Generators = [] } });
        Assert.Equal(expected.Datacenter().Generators.Count, actual.Datacenter().Generators.Count);
        foreach (var (e, a) in expected.Datacenter().Generators.Zip(actual.Datacenter().Generators))
        {
            Assert.Equal(e.Hosts, a.Hosts);
            Assert.Equal(e.FlowSizes?.Source, a.FlowSizes?.Source);
            Assert.Equal(e.FlowSizes?.Mean, a.FlowSizes?.Mean);
            Assert.Equal(e.RequestResponse.ResponseSizes?.Source, a.RequestResponse.ResponseSizes?.Source);
            Assert.Equal(
                e with { Hosts = [], FlowSizes = null, RequestResponse = e.RequestResponse with { ResponseSizes = null } },
                a with { Hosts = [], FlowSizes = null, RequestResponse = a.RequestResponse with { ResponseSizes = null } });
        }
    }
}
