using DcSim.ActorsHost.Settings;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>traffic.generators[*].hosts: blank entries, and long lists (issue 8, defects 1 and 12).</summary>
public sealed class ScenarioHostListSpec
{
    [Theory]
    [InlineData("\"\"", "traffic.generators[0].hosts")]
    [InlineData("\" \"", "traffic.generators[0].hosts")]
    [InlineData("[\"\"]", "traffic.generators[0].hosts[0]")]
    [InlineData("[1, \" \"]", "traffic.generators[0].hosts[1]")]
    public void Loader_must_report_a_blank_host_entry_when_the_list_has_one(string hosts, string key)
    {
        // act: an ArgumentOutOfRangeException escaped before
        AssertError($"traffic {{ generators = [\n  {{ kind = cbr, hosts = {hosts} }}\n] }}\n", key, 2, "empty");
    }

    [Fact]
    public void Loader_must_merge_overlapping_ranges_into_sorted_distinct_hosts()
    {
        var s = Parse("topology { leaves = 4, hosts-per-leaf = 8 }\ntraffic.generators = [ { kind = cbr, hosts = [\"20-25\", 3, \"0-4\", 22, \"24-31\", 3] } ]\n");

        Assert.Equal([0, 1, 2, 3, 4, .. Enumerable.Range(20, 12)], s.Datacenter().Generators[0].Hosts);
    }

    [Fact]
    public void Loader_must_check_a_list_of_100000_hosts_in_linear_time()
    {
        // arrange: 10,000 took 2 s, 20,000 took 6.5 s, 100,000 did not finish in 30 s
        string Scenario(int n) => "topology { leaves = 1000, hosts-per-leaf = 100 }\ntraffic.generators = [ { kind = cbr, hosts = [\n"
            + string.Join(",\n", Enumerable.Range(0, n)) + "\n] } ]\n";
        Parse(Scenario(1_000)); // JIT and reference.conf

        // act
        var small = Time(() => Assert.Equal(10_000, Parse(Scenario(10_000)).Datacenter().Generators[0].Hosts.Count));
        var large = Time(() => Assert.Equal(100_000, Parse(Scenario(100_000)).Datacenter().Generators[0].Hosts.Count));

        // assert: 10 times the hosts, at most 20 times the time (quadratic would be 100), and within seconds
        Assert.True(large < TimeSpan.FromSeconds(20), $"100,000 hosts took {large}");
        Assert.True(large < 20 * small + TimeSpan.FromSeconds(1), $"10,000 hosts took {small}, 100,000 took {large}");
    }

    [Fact]
    public void Loader_must_bound_the_host_entries_that_all_generators_list_together()
    {
        // arrange: 8,388,608 hosts; hosts = all is one shared list, a listed range a list of its own (32 MB each)
        var generators = string.Join("\n", Enumerable.Repeat("  { kind = cbr, hosts = all }", 100).Concat(Enumerable.Repeat("  { kind = cbr, hosts = \"0-8388607\" }", 5)));

        // act
        var failure = Fails($"topology {{ leaves = 1048576, hosts-per-leaf = 8 }}\ntraffic.generators = [\n{generators}\n]\n");

        // assert: the fifth listed range passes 2^25 entries
        AssertError(failure, "traffic.generators[104].hosts", 107, "41943040 hosts in all");
        Assert.Single(failure.Errors);
    }

    private static TimeSpan Time(Action action)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
