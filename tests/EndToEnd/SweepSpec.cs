using System.Text.Json;
using System.Text.RegularExpressions;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim sweep`: every point an ordinary run, the table and report over them, --resume, and bad keys and values refused up front.</summary>
public sealed class SweepSpec
{
    private const string Scenario = """
        name = "sweep"
        seed = 3
        duration = 5ms
        topology {
          spines = 1, leaves = 2, hosts-per-leaf = 2
          host-link { rate = 10Gbps, delay = 1us }
        }
        traffic.generators = [
          { kind = cbr, rate = 200Mbps, packet-size = 1000B, destination = random, stop = 4ms }
        ]
        """;

    private static readonly string[] Rates = ["1Gbps", "10Gbps"];
    private static readonly string[] Sizes = ["100B", "1000B"];

    private static readonly string[] Vary =
        ["--vary", $"topology.host-link.rate={string.Join(',', Rates)}", "--vary", $"traffic.generators[0].packet-size={string.Join(',', Sizes)}"];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string Sweep(string dir, params string[] extra)
    {
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, Scenario);
        var output = Path.Combine(dir, "out");
        var result = Dcsim.Run(Timeout, ["sweep", file, .. Vary, "--out", output, .. extra]);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        return result.Stdout;
    }

    [Fact]
    public void Sweep_must_give_each_point_the_files_of_dcsim_run_of_that_point_and_a_table_and_report_over_all()
    {
        // arrange
        var dir = Scratch.Directory("sweep");

        // act
        var stdout = Sweep(dir);

        // assert: the points in grid order, each byte for byte what `dcsim run` writes for the file with those values
        var output = Path.Combine(dir, "out");
        var folders = Directory.GetDirectories(Path.Combine(output, "points")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "001-topology.host-link.rate=1Gbps,traffic.generators[0].packet-size=100B",
            "002-topology.host-link.rate=1Gbps,traffic.generators[0].packet-size=1000B",
            "003-topology.host-link.rate=10Gbps,traffic.generators[0].packet-size=100B",
            "004-topology.host-link.rate=10Gbps,traffic.generators[0].packet-size=1000B",
        ], folders);
        Assert.Equal(4, Regex.Matches(stdout, @"^point \d/4 .*: \d+\.\d{3} s$", RegexOptions.Multiline).Count);
        var points = (from rate in Rates from size in Sizes select (rate, size)).ToList();
        for (var i = 0; i < points.Count; i++)
        {
            var pointFile = Path.Combine(dir, $"point{i + 1}.conf");
            File.WriteAllText(pointFile, Scenario.Replace("rate = 10Gbps", $"rate = {points[i].rate}", StringComparison.Ordinal)
                .Replace("packet-size = 1000B", $"packet-size = {points[i].size}", StringComparison.Ordinal));
            var direct = Path.Combine(dir, $"run{i + 1}");
            var run = Dcsim.Run(Timeout, "run", pointFile, "--out", direct);
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            var folder = Path.Combine(output, "points", folders[i]!);
            // The result files; `dcsim run` also leaves its journal (journal.db), which a sweep point does not have.
            foreach (var name in Directory.GetFiles(direct).Select(Path.GetFileName).Where(n => !n!.StartsWith("journal.", StringComparison.Ordinal)))
                Assert.True(File.ReadAllBytes(Path.Combine(direct, name!)).SequenceEqual(File.ReadAllBytes(Path.Combine(folder, name!))), $"{folders[i]}/{name} differs from dcsim run");
            var resolved = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))).RootElement.GetProperty("scenario").GetProperty("resolved").GetString();
            Assert.Equal(resolved, File.ReadAllText(Path.Combine(folder, "resolved.conf")));
        }

        // the table: a header, then one row per point with its values and its summary's figures
        var csv = File.ReadAllLines(Path.Combine(output, "sweep.csv"));
        Assert.Equal(5, csv.Length);
        Assert.Equal("point,topology.host-link.rate,traffic.generators[0].packet-size,delivered_packets,delivered_bytes,throughput_gbps,throughput_mpps,"
            + "dropped_packets,latency_p50_ns,latency_p99_ns,host_cycles_per_packet,guest_cycles_per_packet,mean_host_kernel_cpu,mean_host_user_cpu,"
            + "rr_rtt_p50_us,rr_rtt_p99_us,tcp_completed_flows,fct_slowdown_p50,fct_slowdown_p99,conservation_holds", csv[0]);
        for (var i = 0; i < points.Count; i++)
        {
            var cells = csv[i + 1].Split(',');
            var totals = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "points", folders[i]!, "summary.json"))).RootElement.GetProperty("totals");
            Assert.Equal([$"{i + 1}", points[i].rate, points[i].size], cells[..3]);
            Assert.Equal(totals.GetProperty("delivered_packets").GetInt64().ToString(), cells[3]);
            Assert.Equal(totals.GetProperty("delivered_bytes").GetInt64().ToString(), cells[4]);
            Assert.Equal(["", "", "", "1"], cells[^4..]);
        }
        // 1000 B packets: 4 hosts at 200 Mb/s while the generator runs (0 to 4 ms), 0.8 Gb/s and 0.1 Mpps at both rates; the
        // faster host link serialises them sooner
        Assert.Equal(["0.8", "0.1"], csv[2].Split(',')[5..7]);
        Assert.Equal(["0.8", "0.1"], csv[4].Split(',')[5..7]);
        Assert.True(long.Parse(csv[4].Split(',')[8]) < long.Parse(csv[2].Split(',')[8]), csv[2] + "\n" + csv[4]);

        // the report: the table, and plots that exist beside it
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        var images = Regex.Matches(html, "<img src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("throughput_gbps.png", images);
        Assert.DoesNotContain("fct_slowdown_p99.png", images);
        Assert.All(images, image => Assert.True(new FileInfo(Path.Combine(output, image)).Length > 1000, image));
        Assert.Equal(4, Regex.Matches(html, "<tr><td>\\d</td>").Count);
    }

    [Fact]
    public void Resume_must_keep_complete_points_and_run_only_the_unfinished()
    {
        // arrange: a finished sweep, then point 3 as a run killed before its last file
        var dir = Scratch.Directory("sweep-resume");
        Sweep(dir);
        var output = Path.Combine(dir, "out");
        var csv = File.ReadAllText(Path.Combine(output, "sweep.csv"));
        var third = Directory.GetDirectories(Path.Combine(output, "points")).Order(StringComparer.Ordinal).ElementAt(2);
        File.Delete(Path.Combine(third, "resolved.conf"));
        var kept = File.GetLastWriteTimeUtc(Path.Combine(Directory.GetDirectories(Path.Combine(output, "points")).Order(StringComparer.Ordinal).First(), "summary.json"));

        // act
        var again = Dcsim.Run(Timeout, ["sweep", Path.Combine(dir, "scenario.conf"), .. Vary, "--out", output]);
        var stdout = Sweep(dir, "--resume");

        // assert
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);
        Assert.Equal(3, Regex.Matches(stdout, "done earlier, kept").Count);
        Assert.Matches(@"point 3/4 topology.host-link.rate=10Gbps, traffic.generators\[0\].packet-size=100B: \d+\.\d{3} s", stdout);
        Assert.True(File.Exists(Path.Combine(third, "resolved.conf")));
        Assert.Equal(kept, File.GetLastWriteTimeUtc(Path.Combine(Directory.GetDirectories(Path.Combine(output, "points")).Order(StringComparer.Ordinal).First(), "summary.json")));
        Assert.Equal(csv, File.ReadAllText(Path.Combine(output, "sweep.csv")));
    }

    [Theory]
    [InlineData("topology.host-lnk.rate=1Gbps,10Gbps", "dcsim: --vary topology.host-lnk.rate: topology.host-lnk: unknown key 'host-lnk'; did you mean 'host-link'?")]
    [InlineData("topology.host-link.rate=1Gbps,fast", "dcsim: --vary topology.host-link.rate=fast: ")]
    [InlineData("traffic.generators[0].packet-size=100B,0B", "dcsim: --vary traffic.generators[0].packet-size=0B: ")]
    [InlineData("traffic.generators[1].rate=1Gbps", "dcsim: --vary traffic.generators[1].rate=1Gbps: the scenario has nothing at")]
    [InlineData("topology.host-link.rate", "dcsim: --vary topology.host-link.rate: expected KEY=V1,V2,...")]
    [InlineData("fabric=a:{topology.spines=1},b:{topology.spines=2}", "dcsim: --vary topology.spines=1,2: topology.spines is also set by --vary fabric")]
    public void Sweep_must_exit_2_naming_a_bad_key_or_value_and_write_nothing(string vary, string expected)
    {
        // arrange
        var dir = Scratch.Directory("sweep-bad");
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, Scenario);
        var output = Path.Combine(dir, "out");

        // act
        var result = Dcsim.Run(Timeout, "sweep", file, "--vary", vary, "--vary", "topology.spines=1,2", "--out", output);

        // assert
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.False(Dcsim.HasStackTrace(result.Stdout + result.Stderr), result.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
