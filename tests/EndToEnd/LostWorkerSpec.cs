using System.Diagnostics;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>A worker process of `dcsim run --nodes 3` dies mid-run: until recovery exists the run must fail fast and cleanly.</summary>
public sealed class LostWorkerSpec
{
    [Fact]
    public async Task Run_must_end_within_10_s_naming_the_lost_member_when_a_worker_is_killed()
    {
        // arrange: a run far longer than the test, on three processes, under way
        var dir = Dcsim.TempDirectory("lost-worker");
        var scenario = Path.Combine(dir, "long.conf");
        File.WriteAllText(scenario, """
            name = "long"
            duration = 100s
            topology { spines = 2, leaves = 4, hosts-per-leaf = 4 }
            traffic.generators = [ { kind = cbr, rate = 400Mbps } ]
            """);
        var output = Path.Combine(dir, "out");
        var port = Dcsim.FreePort();
        using var run = Dcsim.StartCapturing("run", scenario, "--out", output, "--nodes", "3", "--http", port.ToString());
        await Dcsim.WaitUntilSimulatingAsync(port, TimeSpan.FromMinutes(2));
        var workers = run.Workers();
        Assert.Equal(2, workers.Count);

        // act
        using (var worker = Process.GetProcessById(workers[0])) worker.Kill();
        var sinceKill = Stopwatch.StartNew();
        var ended = run.Process.WaitForExit(10_000);
        sinceKill.Stop();

        // assert
        Assert.True(ended, $"the run was still going 10 s after its worker was killed; stderr: {run.Stderr}");
        run.Process.WaitForExit();
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Single(lines);
        Assert.Matches($@"^dcsim: run failed: cluster member akka\.tcp://dcsim@127\.0\.0\.1:\d+ \(worker process {workers[0]}\) (became unreachable|was disconnected)", lines[0]);
        Assert.False(Dcsim.HasStackTrace(run.Stdout + run.Stderr), run.Stdout + run.Stderr);
        Assert.False(Directory.Exists(output), "a failed run must not create its output directory");
    }
}
