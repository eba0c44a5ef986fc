using System.Diagnostics;
using DcSim.Testing;
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
        var dir = Scratch.Directory("interrupt");
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serving_node_must_exit_0_within_seconds_on_SIGTERM_idle_or_running_an_experiment(bool running)
    {
        // arrange: `dcsim node --http`, idle or running an experiment far longer than the test waits
        var http = Dcsim.FreePort();
        using var node = Dcsim.StartCapturing("node", "--port", "0", "--http", http.ToString(), "--experiments", Scratch.Directory("sigterm"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!node.Stdout.Contains("dcsim node ") && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(node.Stdout.Contains("dcsim node "), node.Stdout + node.Stderr);
        if (running)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(30) };
            using var submitted = await client.PostAsync("/experiments", new StringContent(
                "name = long\nduration = 100s\ntopology { spines = 4, leaves = 8, hosts-per-leaf = 16 }\ntraffic.generators = [ { kind = cbr, rate = 50Mbps } ]\n",
                System.Text.Encoding.UTF8, "text/plain"));
            Assert.Equal(System.Net.HttpStatusCode.Created, submitted.StatusCode);
            while (!(await client.GetStringAsync("/experiments")).Contains("\"state\":\"running\"") && DateTime.UtcNow < deadline) await Task.Delay(100);
        }

        // act
        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", node.Process.Id.ToString()])) kill.WaitForExit();
        var exited = node.Process.WaitForExit(10_000);
        stopwatch.Stop();

        // assert: it used to spin until System.CommandLine's 30 s termination timeout, then die with 143
        Assert.True(exited, $"dcsim node did not exit within {stopwatch.Elapsed.TotalSeconds:0.0} s of SIGTERM: {node.Stdout}{node.Stderr}");
        node.Process.WaitForExit();
        Assert.Equal(0, node.Process.ExitCode);
        Assert.False(Dcsim.HasStackTrace(node.Stdout + node.Stderr), node.Stdout + node.Stderr);
    }
}
