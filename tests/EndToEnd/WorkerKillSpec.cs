using System.Diagnostics;
using System.Text.RegularExpressions;
using DcSim.Testing;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.EndToEnd;

/// <summary>The undisturbed runs the kill tests compare with: the same scenario on 1 and on 3 processes.</summary>
public sealed class UndisturbedRuns
{
    /// <summary>
    /// 52,498 windows: 5.9 s of simulating on 3 idle processes (2026-12-05; 12 ms, 2.8 s, was short enough for the 10-12 ms interval
    /// to pass between two polls of the query endpoint), so that a kill lands mid-run; 0.2 s on one. A checkpoint every 10 ms of
    /// simulated time, so that a member lost after the first one rolls the run back to a checkpoint, not to the start.
    /// </summary>
    public const string Scenario = """
        name = "kill-test"
        duration = 60ms
        kernel.checkpoint-interval = 10ms
        topology { spines = 2, leaves = 4, hosts-per-leaf = 4 }
        traffic.generators = [ { kind = cbr, rate = 400Mbps } ]
        """;

    public UndisturbedRuns()
    {
        Directory = Scratch.Directory("kill-test");
        ScenarioFile = Path.Combine(Directory, "kill-test.conf");
        File.WriteAllText(ScenarioFile, Scenario);
        OneNode = Run("one-node");
        ThreeNodes = Run("three-nodes", "--nodes", "3");
    }

    public string Directory { get; }
    public string ScenarioFile { get; }
    public string OneNode { get; }
    public string ThreeNodes { get; }

    private string Run(string name, params string[] options)
    {
        var output = Path.Combine(Directory, name);
        var run = Dcsim.Run(TimeSpan.FromMinutes(4), ["run", ScenarioFile, "--out", output, .. options]);
        if (run.ExitCode != 0) throw new InvalidOperationException($"the undisturbed run {name} failed: {run.Stdout}{run.Stderr}");
        return output;
    }
}

/// <summary>
/// A worker of `dcsim run --nodes 3` is SIGKILLed: the run restarts on the two survivors and ends with the results
/// of an undisturbed run; losing every worker fails the run cleanly.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class WorkerKillSpec(UndisturbedRuns undisturbed, ITestOutputHelper output) : IClassFixture<UndisturbedRuns>
{
    private const long Millisecond = 1_000_000_000;

    private static readonly Regex RestartNotice = new(
        @"^dcsim: cluster member akka\.tcp://dcsim@127\.0\.0\.1:\d+ (was disconnected|was removed from the cluster)( \(partitions? [\d, ]+\))? "
        + @"at sim [^:]+: restarting the run from (the start|its checkpoint at sim (?<from>\S+)) on the surviving members \(lost member 1 of at most 3\)$");

    [Theory]
    [InlineData("at once", long.MinValue)]
    [InlineData("mid-run", 25 * Millisecond)]
    [InlineData("near the end", 40 * Millisecond)]
    public async Task Run_must_end_with_the_undisturbed_results_when_a_worker_is_killed(string when, long afterSimulatedTime)
    {
        // arrange: a run on three processes, past the given simulated time (long.MinValue: as soon as its cluster is up,
        // which is in its first windows: the run is submitted right after)
        var result = Path.Combine(undisturbed.Directory, $"killed-{when.Replace(' ', '-')}");
        var port = Dcsim.FreePort();
        using var run = Dcsim.StartCapturing("run", undisturbed.ScenarioFile, "--out", result, "--nodes", "3", "--http", port.ToString());
        var simulated = await Dcsim.WaitUntilSimulatingAsync(port, TimeSpan.FromMinutes(2), afterSimulatedTime);
        var workers = run.Workers();
        Assert.Equal(2, workers.Count);

        // act
        using (var worker = Process.GetProcessById(workers[0])) worker.Kill();
        var sinceKill = Stopwatch.StartNew();
        var ended = run.Process.WaitForExit(120_000);
        output.WriteLine($"killed worker {workers[0]} at simulated time {simulated} ps; the run ended {sinceKill.Elapsed.TotalSeconds:0.0} s later");

        // assert
        Assert.True(ended, $"the run was still going 120 s after its worker was killed; stderr: {run.Stderr}");
        run.Process.WaitForExit();
        Assert.True(run.Process.ExitCode == 0, run.Stdout + run.Stderr);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        var notice = RestartNotice.Match(lines[0]);
        Assert.True(notice.Success, lines[0]);
        // Lost after the checkpoints at 10 and 20 ms (or later): the run goes back to one of them, not to the start.
        if (afterSimulatedTime >= 25 * Millisecond) Assert.True(notice.Groups["from"].Success, $"restarted from the start: {lines[0]}");
        Assert.Contains("3 node(s), 3 partition(s)", run.Stdout);
        AssertSameResultFiles(undisturbed.ThreeNodes, result);
        AssertSameResultFiles(undisturbed.OneNode, result);
    }

    [Fact]
    public async Task Run_must_fail_naming_a_lost_member_when_every_worker_is_killed()
    {
        // arrange
        var result = Path.Combine(undisturbed.Directory, "killed-all");
        var port = Dcsim.FreePort();
        using var run = Dcsim.StartCapturing("run", undisturbed.ScenarioFile, "--out", result, "--nodes", "3", "--http", port.ToString());
        await Dcsim.WaitUntilSimulatingAsync(port, TimeSpan.FromMinutes(2), 15 * Millisecond);
        var workers = run.Workers();
        Assert.Equal(2, workers.Count);

        // act
        foreach (var pid in workers)
            using (var worker = Process.GetProcessById(pid)) worker.Kill();
        var ended = run.Process.WaitForExit(30_000);

        // assert: maybe a restart notice (when one worker's loss is noticed before the other's), then the failure
        Assert.True(ended, $"the run was still going 30 s after its workers were killed; stderr: {run.Stderr}");
        run.Process.WaitForExit();
        Assert.Equal(1, run.Process.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.InRange(lines.Length, 1, 2);
        if (lines.Length == 2) Assert.Matches(RestartNotice, lines[0]);
        Assert.Matches(
            $@"^dcsim: run failed: cluster member akka\.tcp://dcsim@127\.0\.0\.1:\d+ \(worker process ({workers[0]}|{workers[1]})\) (was disconnected|was removed from the cluster)"
            + ".*: no member is left besides the coordinator's own, the run cannot go on",
            lines[^1]);
        Assert.False(Dcsim.HasStackTrace(run.Stdout + run.Stderr), run.Stdout + run.Stderr);
        Assert.False(Directory.Exists(result), "a failed run must not create its output directory");
    }

    [Fact]
    public async Task Resume_after_killing_every_process_must_continue_from_a_checkpoint_with_the_undisturbed_results()
    {
        // arrange: the three processes of a run SIGKILLed together (a power loss) after checkpoints at 10 and 20 ms
        var result = Path.Combine(undisturbed.Directory, "killed-every-process");
        var port = Dcsim.FreePort();
        using (var run = Dcsim.StartCapturing("run", undisturbed.ScenarioFile, "--out", result, "--nodes", "3", "--http", port.ToString()))
        {
            await Dcsim.WaitUntilSimulatingAsync(port, TimeSpan.FromMinutes(2), 30 * Millisecond);
            Assert.Equal(2, run.Workers().Count);
            run.Process.Kill(entireProcessTree: true);
            Assert.True(run.Process.WaitForExit(10_000));
        }

        // act: resumed on three processes again, from its journal alone
        var resumed = Dcsim.Run(TimeSpan.FromMinutes(3), ["run", "--resume", result, "--nodes", "3"]);

        // assert
        output.WriteLine(resumed.Stdout);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        // The last checkpoint saved before the kill: 20 ms (30 ms may still have been on its way to the database) or later.
        var from = Regex.Match(resumed.Stdout, @", resumed from its checkpoint at sim (?<at>[\d.]+)ms\)");
        Assert.True(from.Success, resumed.Stdout);
        Assert.InRange(double.Parse(from.Groups["at"].Value, System.Globalization.CultureInfo.InvariantCulture), 20, 60);
        Assert.Contains("3 node(s), 3 partition(s)", resumed.Stdout);
        AssertSameResultFiles(undisturbed.ThreeNodes, result);
        AssertSameResultFiles(undisturbed.OneNode, result);
    }

    /// <summary>
    /// Every result file of <paramref name="expected"/> is in <paramref name="actual"/> with the same bytes, and no other; the journal
    /// (journal.db and its companions) records its own experiment and times, so it differs by nature.
    /// </summary>
    private static void AssertSameResultFiles(string expected, string actual)
    {
        static List<string?> ResultFiles(string directory) =>
            Directory.GetFiles(directory).Select(Path.GetFileName).Where(n => !n!.StartsWith("journal.", StringComparison.Ordinal)).Order().ToList();
        var names = ResultFiles(expected);
        Assert.Equal(names, ResultFiles(actual));
        Assert.NotEmpty(names);
        foreach (var name in names)
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))),
                $"{name} differs from the undisturbed run's in {expected}");
    }
}
