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
    public void Loader_must_check_a_list_of_100000_hosts_without_the_quadratic_cost_it_once_had()
    {
        // arrange: when the check was quadratic, 10,000 hosts took 2 s, 20,000 took 6.5 s and 100,000 did not finish in 30 s
        var scenario = "topology { leaves = 1000, hosts-per-leaf = 100 }\ntraffic.generators = [ { kind = cbr, hosts = [\n"
            + string.Join(",\n", Enumerable.Range(0, 100_000)) + "\n] } ]\n";

        // act
        var took = Time(() => Assert.Equal(100_000, Parse(scenario).Datacenter().Generators[0].Hosts.Count));

        // assert: a bound only a quadratic check misses (it takes ~1.5 s on a loaded 2-core machine), not a timing of the code
        Assert.True(took < TimeSpan.FromSeconds(20), $"100,000 hosts took {took}");
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
