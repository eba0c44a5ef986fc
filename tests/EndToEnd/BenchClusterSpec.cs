using System.Text.Json;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim bench --nodes N --repeat R`: R runs on one cluster of N processes, each the run one process gives.</summary>
public sealed class BenchClusterSpec
{
    [Fact]
    public void Repeats_on_one_cluster_of_two_processes_must_each_give_the_one_process_run()
    {
        // arrange
        var folder = Scratch.Directory("bench-cluster");
        var one = Path.Combine(folder, "one.jsonl");
        var two = Path.Combine(folder, "two.jsonl");

        // act
        var single = Dcsim.Run(TimeSpan.FromMinutes(2), "bench", "--fabric", "small", "--sim-time", "0.01", "--json", one);
        var cluster = Dcsim.Run(TimeSpan.FromMinutes(3), "bench", "--fabric", "small", "--sim-time", "0.01", "--nodes", "2", "--repeat", "3", "--json", two);

        // assert: three runs on two processes and two partitions, every one with the one-process run's figures
        Assert.True(single.ExitCode == 0, single.Stderr);
        Assert.True(cluster.ExitCode == 0, cluster.Stdout + cluster.Stderr);
        var reference = Figures(File.ReadAllLines(one).Single());
        var runs = File.ReadAllLines(two).Select(Figures).ToList();
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(reference with { Nodes = 2, Partitions = 2 }, r));
        Assert.True(reference.LinkTx > 10_000, $"{reference.LinkTx} link transmissions");
        Assert.Equal(3, cluster.Stdout.Split('\n').Count(l => l.Contains("windows,", StringComparison.Ordinal)));
        // each partition's share of the events, and its busy time per event: they add up to the run's events
        Assert.All(File.ReadAllLines(two), line =>
        {
            var e = JsonDocument.Parse(line).RootElement;
            var byPartition = e.GetProperty("eventsByPartition").EnumerateArray().Select(v => v.GetInt64()).ToList();
            Assert.Equal(2, byPartition.Count);
            Assert.All(byPartition, n => Assert.True(n > 0));
            Assert.Equal(e.GetProperty("events").GetInt64(), byPartition.Sum());
            Assert.All(e.GetProperty("busyNsPerEventByPartition").EnumerateArray(), ns => Assert.True(ns.GetDouble() > 0));
        });
    }

    private sealed record RunFigures(int Nodes, int Partitions, long LinkTx, long Events, long Delivered, double MeanDelayUs);

    private static RunFigures Figures(string jsonLine)
    {
        var e = JsonDocument.Parse(jsonLine).RootElement;
        return new RunFigures(e.GetProperty("nodes").GetInt32(), e.GetProperty("partitions").GetInt32(), e.GetProperty("linkTx").GetInt64(),
            e.GetProperty("events").GetInt64(), e.GetProperty("delivered").GetInt64(), e.GetProperty("meanDelayUs").GetDouble());
    }
}
