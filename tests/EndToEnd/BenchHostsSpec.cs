using System.Text.Json;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim bench-hosts`: the datacenter-scale benchmark's figures, on a fabric small enough for a test.</summary>
public sealed class BenchHostsSpec
{
    [Fact]
    public void Bench_hosts_must_report_the_whole_loop_its_start_and_the_second_half_of_the_traffic_for_both_fabrics()
    {
        // arrange
        var json = Path.Combine(Scratch.Directory("bench-hosts"), "runs.jsonl");

        // act: 2 repeats of a 32-host fabric (2 ms of traffic) against the medium one (10 ms)
        var run = Dcsim.Run(TimeSpan.FromMinutes(2), "bench-hosts", "--spines", "2", "--leaves", "4", "--hosts-per-leaf", "8",
            "--sim-time", "2", "--medium-sim-time", "10", "--repeat", "2", "--json", json);

        // assert: one line per fabric and repeat, each run the same simulation (deterministic counts), its parts inside the whole
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.StartsWith("fabric     hosts  events   loop_cpu_s events/cpu_s start_cpu_s late_events/cpu_s ", run.Stdout);
        var lines = File.ReadAllLines(json).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["large-dc", "medium", "large-dc", "medium"], lines.Select(e => e.GetProperty("fabric").GetString()));
        Assert.Equal([32, 128, 32, 128], lines.Select(e => e.GetProperty("hosts").GetInt32()));
        foreach (var fabric in lines.GroupBy(e => e.GetProperty("fabric").GetString()))
        {
            Assert.Single(fabric.Select(e => (e.GetProperty("events").GetInt64(), e.GetProperty("lateEvents").GetInt64(), e.GetProperty("resultBytes").GetInt64())).Distinct());
        }
        Assert.All(lines, e =>
        {
            var (events, late) = (e.GetProperty("events").GetInt64(), e.GetProperty("lateEvents").GetInt64());
            // The second half of the traffic holds about half the events (the first half and the drain hold the rest).
            Assert.InRange(late, events / 4, events * 3 / 4);
            var (loop, start, lateCpu) = (e.GetProperty("loopCpuSeconds").GetDouble(), e.GetProperty("startCpuSeconds").GetDouble(), e.GetProperty("lateCpuSeconds").GetDouble());
            Assert.True(loop > 0 && start >= 0 && lateCpu > 0 && start + lateCpu <= loop, $"loop {loop} s, start {start} s, second half {lateCpu} s");
            Assert.Equal(late / lateCpu, e.GetProperty("lateEventsPerCpuSecond").GetDouble(), 6);
            Assert.InRange(e.GetProperty("idleBytesPerHost").GetDouble(), 100, 100_000);
        });
    }
}
