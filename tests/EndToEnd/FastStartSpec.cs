using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// `dcsim run` on one process runs in a local ActorSystem, without forming a cluster (issue 14, fast start): its results must be
/// those of a cluster run, byte for byte, checkpoints and the journal included.
/// </summary>
public sealed class FastStartSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly string[] Files = ["summary.json", "flows.csv", "links.csv", "servers.csv", "endpoints.csv", "cores.csv", "rr.csv"];

    private static (string Output, Dcsim.Result Result) RunScenario(string scenario, params string[] extra)
    {
        var output = Scratch.Directory("fast-start");
        var result = Dcsim.Run(Timeout, ["run", scenario, "--out", output, .. extra]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return (output, result);
    }

    [Fact]
    public void A_one_process_run_must_form_no_cluster_and_write_the_files_of_a_two_node_run()
    {
        // arrange: the determinism scenario with a checkpoint every simulated millisecond, so that the journal records some
        // (and its CDF files beside it)
        var folder = Scratch.Directory("fast-start-scenario");
        var scenario = Path.Combine(folder, "determinism.conf");
        File.WriteAllText(scenario, File.ReadAllText(Dcsim.RepositoryFile("config/scenarios/determinism.conf")) + "\nkernel.checkpoint-interval = 1ms\n");
        Directory.CreateDirectory(Path.Combine(folder, "cdf"));
        foreach (var cdf in Directory.GetFiles(Dcsim.RepositoryFile("config/scenarios/cdf")))
            File.Copy(cdf, Path.Combine(folder, "cdf", Path.GetFileName(cdf)));

        // act
        var (alone, aloneRun) = RunScenario(scenario);
        var (cluster, clusterRun) = RunScenario(scenario, "--nodes", "2");
        var journal = Dcsim.Run(Timeout, ["journal", alone]);

        // assert: the one-process run said it formed no cluster, the two-node run formed one, and every result file is the same
        Assert.Matches(@"\+ [\d.]+ s start, in this process alone \(no cluster\); [\d,]+ windows, 1 node\(s\), 1 partition\(s\)", aloneRun.Stdout);
        Assert.Matches(@"\+ [\d.]+ s cluster start; [\d,]+ windows, 2 node\(s\), 2 partition\(s\)", clusterRun.Stdout);
        foreach (var f in Files)
            Assert.True(File.ReadAllBytes(Path.Combine(alone, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(cluster, f))), $"{f} differs");
        Assert.Contains("\"conservation_holds\": true", File.ReadAllText(Path.Combine(alone, "summary.json")));
        // the journal, opened while the run went on, holds the whole run and its completion
        Assert.Matches(@"checkpoints 2 taken, [\d,]+ KiB each", aloneRun.Stdout);
        Assert.True(journal.ExitCode == 0, journal.Stderr);
        Assert.Matches(@"layout      1 partition\(s\), 17 LPs, 16 VM\(s\) and container\(s\)\n", journal.Stdout);
        Assert.Matches(@"progress    3ms simulated, [\d,]+ windows, [\d,]+ events\n", journal.Stdout);
        Assert.Contains("status      completed", journal.Stdout);
    }
}
