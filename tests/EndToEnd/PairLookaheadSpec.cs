using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// Per-pair lookahead end to end: on the explicit example fabric split in three, the partitions are unequally far apart (the s2-s3 link
/// is 500 ns, the others 2 µs), so their windows end apart; the files must not change with the partitions or the processes.
/// </summary>
public sealed class PairLookaheadSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly string[] Files = ["summary.json", "flows.csv", "links.csv", "servers.csv", "endpoints.csv"];

    private static string Run(string scenario, params string[] extra)
    {
        var output = Scratch.Directory("pairs");
        var result = Dcsim.Run(Timeout, ["run", scenario, "--out", output, "--journal", "off", .. extra]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return output;
    }

    [Fact]
    public void A_fabric_whose_partitions_are_unequally_far_apart_must_give_the_same_files_on_one_two_three_partitions_and_three_processes()
    {
        // arrange
        var scenario = Dcsim.RepositoryFile(Path.Combine("config", "scenarios", "explicit-small.conf"));

        // act
        var one = Run(scenario);
        var runs = new[] { Run(scenario, "--partitions", "2"), Run(scenario, "--partitions", "3"), Run(scenario, "--partitions", "3", "--nodes", "3") };

        // assert
        foreach (var run in runs)
        foreach (var f in Files)
            Assert.True(File.ReadAllBytes(Path.Combine(one, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, f))), $"{f} differs in {run}");
    }
}
