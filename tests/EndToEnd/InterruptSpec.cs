using System.Diagnostics;
using Xunit;

namespace DcSim.EndToEnd;

[Collection(MultiProcessCollection.Name)]
public sealed class InterruptSpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Ctrl_C_must_stop_the_run_say_so_and_leave_no_result_files(int nodes)
    {
        // arrange: a run far longer than the test waits, under way
        var dir = Dcsim.TempDirectory("interrupt");
        var scenario = Path.Combine(dir, "long.conf");
        File.WriteAllText(scenario, """
            name = "long"
            duration = 100s
            topology { spines = 4, leaves = 8, hosts-per-leaf = 16 }
            traffic.generators = [ { kind = cbr, rate = 50Mbps } ]
            """);
        var output = Path.Combine(dir, "out");
        var port = Dcsim.FreePort();
        using var run = Dcsim.StartCapturing("run", scenario, "--out", output, "--nodes", nodes.ToString(), "--http", port.ToString());
        await Dcsim.WaitUntilSimulatingAsync(port, TimeSpan.FromMinutes(2));

        // act: SIGINT, as Ctrl-C on a terminal
        using (var kill = Process.Start("kill", ["-INT", run.Process.Id.ToString()])) kill.WaitForExit();

        // assert
        Assert.True(run.Process.WaitForExit(30_000), "dcsim did not stop after SIGINT");
        run.Process.WaitForExit();
        Assert.Equal(130, run.Process.ExitCode);
        Assert.Equal(["interrupted: no result files were written"],
            run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.False(Dcsim.HasStackTrace(run.Stdout + run.Stderr), run.Stdout + run.Stderr);
        var left = Directory.Exists(output) ? Directory.GetFiles(output) : [];
        Assert.Empty(left);
    }
}
