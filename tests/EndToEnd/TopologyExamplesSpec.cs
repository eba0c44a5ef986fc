using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>The example fat-tree and explicit scenarios: `dcsim validate` describes them, `dcsim run` gives the same files on 1 and 3 partitions.</summary>
public sealed class TopologyExamplesSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly string[] Files = ["summary.json", "flows.csv", "links.csv", "servers.csv", "endpoints.csv"];

    private static string Run(string scenario, params string[] extra)
    {
        var output = Scratch.Directory("topology");
        var result = Dcsim.Run(Timeout, ["run", scenario, "--out", output, "--journal", "off", .. extra]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return output;
    }

    [Theory]
    [InlineData("fat-tree-k4", "16 hosts, k = 4 fat-tree (20 switches)", "\"kind\": \"fat-tree\"", "agg0-1,core3,")]
    [InlineData("explicit-small", "8 hosts, explicit: 4 switches, 12 links", "\"kind\": \"explicit\"", "s2,s3,25000000000,500000,")]
    public void Example_must_validate_and_run_alike_on_one_and_three_partitions(string name, string fabric, string summaryKind, string link)
    {
        // arrange
        var scenario = Dcsim.RepositoryFile(Path.Combine("config", "scenarios", name + ".conf"));

        // act
        var validate = Dcsim.Run(Timeout, "validate", scenario);
        var one = Run(scenario);
        var three = Run(scenario, "--partitions", "3");

        // assert: every frame delivered, nothing dropped; the same bytes on any partitioning
        Assert.True(validate.ExitCode == 0, validate.Stderr);
        Assert.Contains($"{name}: {fabric}, 1 generator(s)", validate.Stdout);
        foreach (var f in Files)
            Assert.True(File.ReadAllBytes(Path.Combine(one, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(three, f))), $"{f} differs on 1 and 3 partitions");
        var summary = File.ReadAllText(Path.Combine(one, "summary.json"));
        Assert.Contains(summaryKind, summary);
        Assert.Contains("\"dropped_packets\": 0,", summary);
        Assert.Contains("\"conservation_holds\": true", summary);
        Assert.Contains(link, File.ReadAllText(Path.Combine(one, "links.csv")));
    }
}
