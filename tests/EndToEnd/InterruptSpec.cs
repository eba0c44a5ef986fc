using System.Diagnostics;
using Xunit;

namespace DcSim.EndToEnd;

public sealed class InterruptSpec
{
    [Fact]
    public void Ctrl_C_must_stop_the_run_and_leave_no_result_files()
    {
        // arrange: a run far longer than the test waits
        var dir = Dcsim.TempDirectory("interrupt");
        var scenario = Path.Combine(dir, "long.conf");
        File.WriteAllText(scenario, """
            name = "long"
            duration = 100s
            topology { spines = 4, leaves = 8, hosts-per-leaf = 16 }
            traffic.generators = [ { kind = cbr, rate = 1Gbps } ]
            """);
        var output = Path.Combine(dir, "out");
        using var run = Dcsim.Start("run", scenario, "--out", output);
        Thread.Sleep(4000);
        Assert.False(run.HasExited, "the run should still be going");

        // act: SIGINT, as Ctrl-C on a terminal
        using (var kill = Process.Start("kill", ["-INT", run.Id.ToString()])) kill.WaitForExit();

        // assert
        Assert.True(run.WaitForExit(30_000), "dcsim did not stop after SIGINT");
        Assert.Equal(130, run.ExitCode);
        var left = Directory.Exists(output) ? Directory.GetFiles(output) : [];
        Assert.Empty(left);
    }
}
