using System.Diagnostics;
using System.Text.RegularExpressions;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// `dcsim sweep --nodes N` and `--join HOST:PORT`: 12 points spread over a 3-member loopback cluster give the files of the
/// same sweep on one process, byte for byte; a member killed mid-sweep loses no finished point; bad cluster options.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class ClusterSweepSpec(ClusterSweepSpec.OneProcess reference) : IClassFixture<ClusterSweepSpec.OneProcess>
{
    // Each point is ~0.3 s of simulation: long enough for a member to be killed in the middle of one.
    private const string Scenario = """
        name = "cluster-sweep"
        seed = 3
        duration = 250ms
        topology {
          spines = 1, leaves = 2, hosts-per-leaf = 2
          host-link { rate = 10Gbps, delay = 1us }
        }
        traffic.generators = [
          { kind = cbr, rate = 500Mbps, packet-size = 200B, destination = random }
        ]
        """;

    private static readonly string[] Vary = ["--vary", "topology.host-link.delay=1us,2us,5us", "--vary", "seed=1,2,3,4"];
    private const int Points = 12;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The sweep on one process, once for the class: what every cluster sweep must write.</summary>
    public sealed class OneProcess
    {
        public OneProcess()
        {
            var dir = Scratch.Directory("cluster-sweep-one");
            Output = Path.Combine(dir, "out");
            var result = Dcsim.Run(Timeout, ["sweep", ScenarioFile(dir), .. Vary, "--out", Output]);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        }

        public string Output { get; }
    }

    private static string ScenarioFile(string dir)
    {
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, Scenario);
        return file;
    }

    /// <summary>The lines of points run here: their number and the member that ran them.</summary>
    private static List<(int Point, string Member)> Ran(string stdout) =>
        Regex.Matches(stdout, @$"^point (\d+)/{Points} .*: \d+\.\d{{3}} s on (.+)$", RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups[1].Value), m.Groups[2].Value)).ToList();

    private void AssertSameAsOneProcess(string output)
    {
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference.Output, "sweep.csv")), File.ReadAllBytes(Path.Combine(output, "sweep.csv")));
        var expected = Directory.GetDirectories(Path.Combine(reference.Output, "points")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var actual = Directory.GetDirectories(Path.Combine(output, "points")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Points, expected.Count);
        Assert.Equal(expected, actual);
        foreach (var point in expected)
        {
            var files = Directory.GetFiles(Path.Combine(reference.Output, "points", point!)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(files, Directory.GetFiles(Path.Combine(output, "points", point!)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
            foreach (var name in files)
                Assert.True(File.ReadAllBytes(Path.Combine(reference.Output, "points", point!, name!)).SequenceEqual(File.ReadAllBytes(Path.Combine(output, "points", point!, name!))),
                    $"{point}/{name} differs from the one-process sweep");
        }
    }

    [Fact]
    public void Sweep_must_write_the_files_of_a_one_process_sweep_when_its_points_run_on_three_local_members()
    {
        // arrange
        var dir = Scratch.Directory("cluster-sweep-nodes");
        var output = Path.Combine(dir, "out");

        // act
        var result = Dcsim.Run(Timeout, ["sweep", ScenarioFile(dir), .. Vary, "--out", output, "--nodes", "3"]);

        // assert: every point once, on all three members (each takes one of the first three), and the same files
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal("", result.Stderr);
        var ran = Ran(result.Stdout);
        Assert.Equal(Enumerable.Range(1, Points), ran.Select(r => r.Point).Order());
        Assert.Equal(3, ran.Select(r => r.Member).Distinct().Count());
        Assert.Contains(ran, r => r.Member == "this process");
        Assert.Equal(2, ran.Select(r => r.Member).Distinct().Count(m => Regex.IsMatch(m, @"^akka\.tcp://dcsim@127\.0\.0\.1:\d+ \(worker process \d+\)$")));
        AssertSameAsOneProcess(output);
    }

    [Fact]
    public void Sweep_must_write_the_files_of_a_one_process_sweep_when_it_joins_a_running_cluster()
    {
        // arrange: two `dcsim node`s; the sweep's own process is the third member
        var dir = Scratch.Directory("cluster-sweep-join");
        var output = Path.Combine(dir, "out");
        var port = Dcsim.FreePort();
        using var first = Dcsim.StartCapturing("node", "--port", port.ToString());
        WaitForStartLine(first);
        using var second = Dcsim.StartCapturing("node", "--port", "0", "--seed-node", $"127.0.0.1:{port}");
        WaitForStartLine(second);

        // act
        var result = Dcsim.Run(Timeout, ["sweep", ScenarioFile(dir), .. Vary, "--out", output, "--join", $"127.0.0.1:{port}"]);

        // assert: points ran on the nodes too, which keep running for the next sweep
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var ran = Ran(result.Stdout);
        Assert.Equal(Enumerable.Range(1, Points), ran.Select(r => r.Point).Order());
        Assert.Contains(ran, r => r.Member == $"akka.tcp://dcsim@127.0.0.1:{port}");
        Assert.False(first.Process.HasExited || second.Process.HasExited);
        AssertSameAsOneProcess(output);
    }

    private static void WaitForStartLine(Dcsim.Background node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!node.Stdout.Contains("dcsim node ", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !node.Process.HasExited, $"the node did not start: {node.Stdout}{node.Stderr}");
            Thread.Sleep(100);
        }
    }

    /// <summary>A sweep with --nodes into <paramref name="output"/>, under way: <paramref name="pointsDone"/> points written.</summary>
    private static Dcsim.Background StartSweep(string output, int nodes, int pointsDone)
    {
        var sweep = Dcsim.StartCapturing(["sweep", ScenarioFile(Path.GetDirectoryName(output)!), .. Vary, "--out", output, "--nodes", nodes.ToString()]);
        var deadline = DateTime.UtcNow + Timeout;
        while (Ran(sweep.Stdout).Count < pointsDone)
        {
            Assert.True(DateTime.UtcNow < deadline && !sweep.Process.HasExited, $"the sweep did not get going: {sweep.Stdout}{sweep.Stderr}");
            Thread.Sleep(20);
        }
        return sweep;
    }

    [Fact]
    public void Sweep_must_run_a_killed_members_point_again_elsewhere_and_keep_the_points_finished_before()
    {
        // arrange: a sweep on three members, a few points done
        var output = Path.Combine(Scratch.Directory("cluster-sweep-kill"), "out");
        using var sweep = StartSweep(output, nodes: 3, pointsDone: 3);
        var workers = sweep.Workers();
        Assert.Equal(2, workers.Count);

        // act: kill a worker (busy: points are handed out the moment a member is free)
        var before = Ran(sweep.Stdout);
        var killedAt = DateTime.UtcNow;
        using (var victim = Process.GetProcessById(workers[0])) victim.Kill();
        Assert.True(sweep.Process.WaitForExit((int)Timeout.TotalMilliseconds), sweep.Stdout + sweep.Stderr);
        sweep.Process.WaitForExit();

        // assert: one line names the point it ran and the member; that point ran again on another member; nothing ran twice
        Assert.True(sweep.Process.ExitCode == 0, sweep.Stdout + sweep.Stderr);
        var lost = Regex.Match(sweep.Stderr,
            $@"^dcsim: point (\d+)/{Points} [^\n]*: member akka\.tcp://dcsim@127\.0\.0\.1:\d+ \(worker process {workers[0]}\) (was disconnected|became unreachable); the point runs again on another member$",
            RegexOptions.Multiline);
        Assert.True(lost.Success, sweep.Stderr);
        Assert.Single(sweep.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var ran = Ran(sweep.Stdout);
        Assert.Equal(Enumerable.Range(1, Points), ran.Select(r => r.Point).Order());
        var again = ran.Single(r => r.Point == int.Parse(lost.Groups[1].Value));
        Assert.DoesNotContain($"worker process {workers[0]}", again.Member);
        foreach (var (point, _) in before)
        {
            var folder = Directory.GetDirectories(Path.Combine(output, "points"), $"{point:000}-*").Single();
            Assert.True(File.GetLastWriteTimeUtc(Path.Combine(folder, "resolved.conf")) < killedAt, $"point {point}, finished before the kill, was written again");
        }
        AssertSameAsOneProcess(output);
    }

    [Fact]
    public void Resume_must_keep_complete_points_on_a_cluster_too()
    {
        // arrange: the one-process sweep with point 5 cut short
        var dir = Scratch.Directory("cluster-sweep-resume");
        var output = Path.Combine(dir, "out");
        foreach (var file in Directory.GetFiles(reference.Output, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(output, Path.GetRelativePath(reference.Output, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var fifth = Directory.GetDirectories(Path.Combine(output, "points"), "005-*").Single();
        File.Delete(Path.Combine(fifth, "resolved.conf"));

        // act
        var result = Dcsim.Run(Timeout, ["sweep", ScenarioFile(dir), .. Vary, "--out", output, "--nodes", "2", "--resume"]);

        // assert
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(Points - 1, Regex.Matches(result.Stdout, "done earlier, kept").Count);
        Assert.Equal([5], Ran(result.Stdout).Select(r => r.Point));
        AssertSameAsOneProcess(output);
    }

    [Fact]
    public void Ctrl_C_must_stop_a_cluster_sweep_with_130_keeping_the_points_written()
    {
        // arrange: a sweep on two members, a point done
        var output = Path.Combine(Scratch.Directory("cluster-sweep-interrupt"), "out");
        using var sweep = StartSweep(output, nodes: 2, pointsDone: 1);

        // act: SIGINT, as Ctrl-C on a terminal
        using (var kill = Process.Start("kill", ["-INT", sweep.Process.Id.ToString()])) kill.WaitForExit();

        // assert: the folders are those of the points said to be done, and nothing else is said
        Assert.True(sweep.Process.WaitForExit(30_000), "dcsim did not stop after SIGINT");
        sweep.Process.WaitForExit();
        Assert.Equal(130, sweep.Process.ExitCode);
        var done = Ran(sweep.Stdout).Select(r => r.Point).Order().ToList();
        Assert.Equal([$"interrupted: {done.Count} of {Points} point(s) are in {output}; --resume finishes the sweep"],
            sweep.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(done, Directory.GetDirectories(Path.Combine(output, "points")).Select(d => int.Parse(Path.GetFileName(d)[..3])).Order());
        Assert.False(File.Exists(Path.Combine(output, "sweep.csv")));
    }

    [Fact]
    public void Sweep_must_exit_1_and_write_nothing_when_what_it_joins_does_not_admit_it()
    {
        // arrange: something that accepts connections but is no cluster member
        var dir = Scratch.Directory("cluster-sweep-not-admitted");
        var output = Path.Combine(dir, "out");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        try
        {
            // act
            var result = Dcsim.Run(Timeout, ["sweep", ScenarioFile(dir), .. Vary, "--out", output, "--join", $"127.0.0.1:{port}"]);

            // assert
            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.StartsWith($"dcsim: --join 127.0.0.1:{port}: this process was not admitted to the cluster within 30 s", line, StringComparison.Ordinal);
            Assert.False(Directory.Exists(output));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("dcsim: --nodes must be at least 1", "--nodes", "0")]
    [InlineData("dcsim: give --nodes (workers started here) or --join (a running cluster), not both", "--nodes", "2", "--join", "127.0.0.1:FREE")]
    [InlineData("dcsim: --join expects HOST:PORT, got 'localhost'", "--join", "localhost")]
    [InlineData("dcsim: --join 127.0.0.1:FREE: cannot connect (", "--join", "127.0.0.1:FREE")]
    public void Sweep_must_exit_2_on_a_bad_cluster_option_and_write_nothing(string expected, params string[] options)
    {
        // arrange
        var dir = Scratch.Directory("cluster-sweep-bad");
        var output = Path.Combine(dir, "out");
        var free = Dcsim.FreePort().ToString();

        // act
        var result = Dcsim.Run(Timeout, ["sweep", ScenarioFile(dir), .. Vary, "--out", output, .. options.Select(o => o.Replace("FREE", free, StringComparison.Ordinal))]);

        // assert
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expected.Replace("FREE", free, StringComparison.Ordinal), line, StringComparison.Ordinal);
        Assert.False(Dcsim.HasStackTrace(result.Stdout + result.Stderr), result.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
