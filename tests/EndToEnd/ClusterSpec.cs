using System.Diagnostics;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>A cluster started by hand with `dcsim node`, as across machines, then used by `dcsim run --join`.</summary>
public sealed class ClusterSpec
{
    [Fact]
    public void Run_on_a_cluster_of_explicit_nodes_must_match_the_single_process_run()
    {
        // arrange: two `dcsim node` members, the second joining the first
        var scenario = Dcsim.RepositoryFile("config/scenarios/determinism.conf");
        var port = Dcsim.FreePort();
        using var first = Dcsim.Start("node", "--port", port.ToString());
        Thread.Sleep(1500);
        using var second = Dcsim.Start("node", "--port", "0", "--seed-node", $"127.0.0.1:{port}");
        try
        {
            var single = Scratch.Directory("single");
            var joined = Scratch.Directory("joined");

            // act
            var a = Dcsim.Run(TimeSpan.FromMinutes(3), "run", scenario, "--out", single);
            var b = Dcsim.Run(TimeSpan.FromMinutes(3), "run", scenario, "--out", joined, "--join", $"127.0.0.1:{port}", "--nodes", "3");

            // assert
            Assert.True(a.ExitCode == 0, a.Stderr);
            Assert.True(b.ExitCode == 0, b.Stdout + b.Stderr);
            Assert.Contains("3 node(s), 3 partition(s)", b.Stdout);
            foreach (var f in new[] { "summary.json", "flows.csv", "links.csv" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(single, f)), File.ReadAllBytes(Path.Combine(joined, f)));
            Assert.False(first.HasExited, "the explicit nodes keep running after the run");
        }
        finally
        {
            Stop(second);
            Stop(first);
        }
    }

    private static void Stop(Process p)
    {
        if (!p.HasExited) p.Kill(entireProcessTree: true);
        p.WaitForExit(10_000);
    }
}
