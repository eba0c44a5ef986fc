using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DcSim.Runner.Hosting;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using WindowProtocolCheckpoint = DcSim.SimCore.Cluster.WindowProtocol.CheckpointTaken;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench`: the leaf-spine benchmark of ../shared/bench/README.md (10 Gb/s host links, 40 Gb/s
/// fabric links, 1 µs, every host sends 1000-byte UDP payloads at 100 Mb/s to one random other host,
/// +1 ms drain), optionally next to ns-3's dc-bench run in the same session with the "lean" settings.
/// </summary>
internal static class BenchCommand
{
    internal sealed record Fabric(string Name, int Spines, int Leaves, int HostsPerLeaf, double SimSeconds);

    internal static readonly Fabric[] Fabrics =
    [
        new("small", 2, 4, 8, 1.0),
        new("medium", 4, 8, 16, 0.25),
        new("large", 8, 16, 32, 0.1),
    ];

    public static Command Create()
    {
        var fabric = new Option<string>("--fabric") { Description = "small | medium | large | all", DefaultValueFactory = _ => "all" };
        var simTime = new Option<double?>("--sim-time") { Description = "Simulated seconds of traffic (default: ns-3 lean's: 1 / 0.25 / 0.1)" };
        var nodes = new Option<int>("--nodes") { Description = "Cluster members on 127.0.0.1", DefaultValueFactory = _ => 1 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions (default: one per node)" };
        var rate = new Option<string>("--rate") { Description = "Per-host CBR rate (a heavier load gives more events per window)", DefaultValueFactory = _ => "100Mbps" };
        var ns3 = new Option<FileInfo?>("--ns3") { Description = "Path of ns-3's dc-bench binary, run with the same fabric and --routing=nix --qdisc=none" };
        var json = new Option<FileInfo?>("--json") { Description = "Append one JSON line per run to this file" };
        var repeat = new Option<int>("--repeat") { Description = "Measure each fabric this many times in a row, on one cluster (the workers of --nodes stay up between runs)", DefaultValueFactory = _ => 1 };
        var checkpoints = new Option<string?>("--checkpoint-every")
        {
            Description = "Also run each fabric with a checkpoint every DURATION of simulated time (e.g. 25ms), alternating with the plain run, and report checkpoint sizes, cost and slowdown",
        };
        var layout = new Option<string>("--layout")
        {
            Description = "kernel.layout of runs on several partitions: balanced (a pilot weighs racks and switches), round-robin, or both (each repeat runs round-robin, then balanced)",
            DefaultValueFactory = _ => "balanced",
        };
        layout.AcceptOnlyFromAmong("balanced", "round-robin", "both");
        var command = new Command("bench", "Measure simulation speed on the shared leaf-spine benchmark") { fabric, simTime, nodes, partitions, rate, ns3, json, repeat, checkpoints, layout };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(fabric)!, parse.GetValue(simTime), parse.GetValue(nodes),
            parse.GetValue(partitions), parse.GetValue(rate)!, parse.GetValue(ns3), parse.GetValue(json), parse.GetValue(repeat), parse.GetValue(checkpoints),
            parse.GetValue(layout)!, cancel));
        return command;
    }

    private static async Task<int> Execute(string fabricName, double? simTime, int nodes, int? partitions, string rate, FileInfo? ns3, FileInfo? json,
        int repeat, string? checkpointEvery, string layoutChoice, CancellationToken cancel)
    {
        if (checkpointEvery is not null && (!SimCore.Units.QuantityParser.TryParseTime(checkpointEvery, out var every, out var problem) || every <= 0))
        {
            Console.Error.WriteLine($"dcsim: --checkpoint-every {checkpointEvery}: {problem ?? "must be greater than 0"}");
            return ExitCodes.BadInput;
        }
        var chosen = fabricName == "all" ? Fabrics : Fabrics.Where(f => f.Name == fabricName).ToArray();
        if (chosen.Length == 0)
        {
            Console.Error.WriteLine($"dcsim: unknown fabric '{fabricName}' (small, medium, large or all)");
            return ExitCodes.BadInput;
        }
        Console.WriteLine("fabric  hosts nodes parts  sim_s   wall_s   link_tx     link_tx/s   events/s   sim_s/wall_s peak_MB  delivered  mean_delay_us sync_wait  ns3_link_tx/s ratio");
        // One cluster for every run: a repeat finds every member warm (a worker started per run was always measured cold).
        await using var members = await ExperimentCluster.StartAsync(new RunCluster(nodes, null, AkkaLog.ForProcess("bench")), cancel);
        string[] layouts = layoutChoice == "both" ? ["round-robin", "balanced"] : [layoutChoice];
        foreach (var (f, layout) in chosen.SelectMany(f => Enumerable.Repeat(f, Math.Max(1, repeat))).SelectMany(f => layouts.Select(l => (f, l))))
        {
            var seconds = simTime ?? f.SimSeconds;
            var text = ScenarioText(f, seconds, rate) + $"\nkernel.layout = {layout}\n";
            var scenario = ScenarioLoader.Parse(text, $"bench-{f.Name}", Environment.CurrentDirectory, ActorsHost.FabricModel.Instance);
            var outcome = await Experiment.RunOnAsync(members, scenario, Environment.CurrentDirectory, partitions ?? nodes, _ => { }, cancel);
            if (checkpointEvery is not null)
                await CheckpointedRun(members, f, text, checkpointEvery, partitions ?? nodes, outcome, cancel);
            var summary = new RunSummary(outcome.Results);
            var wall = outcome.Run.TotalSeconds;
            var stats = outcome.Completion.Partitions;
            // In one process the partitions share one thread per core (LocalWindows): a partition's wall time counts its thread's once per
            // partition on it, and the threads' time is what they waited of.
            var threadsPerPartition = nodes == 1 ? Math.Min(1.0, (double)Environment.ProcessorCount / stats.Length) : 1;
            var waitShare = stats.Sum(p => p.WallMicroseconds) == 0 ? 0
                : 1 - (double)stats.Sum(p => p.BusyMicroseconds) / (stats.Sum(p => p.WallMicroseconds) * threadsPerPartition);
            var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
            var ns3Result = ns3 is null ? null : RunNs3(ns3, f, seconds, rate);
            var ns3Rate = ns3Result?.GetProperty("linkTxPerWallS").GetDouble();
            var linkTxRate = summary.LinkTransmissions / wall;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.Name,-7} {f.Leaves * f.HostsPerLeaf,5} {nodes,5} {stats.Length,5} {seconds,6:0.###} {wall,8:0.000} {summary.LinkTransmissions,9} {linkTxRate,11:N0} {summary.EventsProcessed / wall,10:N0} {seconds / wall,12:0.0000} {peakMb,7:0} {summary.DeliveredPackets,10} {summary.Latency.MeanPs / 1e6,13:0.0000} {waitShare,9:P1}  {(ns3Rate is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "-"),13} {(ns3Rate is { } r2 ? (linkTxRate / r2).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-")}"));
            if (stats.Length > 1)
            {
                // Per window: the wall time a window took and what each thread waited of it (its wall less its busy time); per partition, its busy
                // time per event, which tells a partition with more work from one on a slower core (on this VM one vCPU ran 1.4x slower).
                var windows = Math.Max(1, outcome.Completion.Windows);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"        {layout} layout, built in {outcome.Build.TotalSeconds:0.000} s (a balanced layout's pilot included); {outcome.Completion.Windows} windows, {summary.EventsProcessed / (double)windows:0} events, {wall * 1e6 / windows:0.0} us wall each; partitions: ")
                    + string.Join("; ", stats.Select(p => string.Create(CultureInfo.InvariantCulture,
                        $"{p.Index}@{p.Address} {p.EventsProcessed:N0} events, busy {p.BusyMicroseconds / 1e6:0.000}s ({p.BusyMicroseconds * 1e3 / Math.Max(1, p.EventsProcessed):0} ns an event) of {p.WallMicroseconds / 1e6:0.000}s, waits {(p.WallMicroseconds - p.BusyMicroseconds) / (double)windows:0.0} us a window, "
                        + $"process allocated {p.Memory.AllocatedBytes / (double)windows:0} B a window, {p.Memory.Collections} GCs pausing it {p.Memory.PauseMicroseconds / 1e3:0.0} ms"))));
            }
            if (ns3Result is { } n)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"        ns-3: wall {n.GetProperty("runWallS").GetDouble():0.000} s, delivered {n.GetProperty("pktsRecv").GetInt64()}, link tx {n.GetProperty("linkTx").GetInt64()}, mean delay {n.GetProperty("meanDelayUs").GetDouble():0.0000} us"));
            if (json is not null)
            {
                var line = JsonSerializer.Serialize(new
                {
                    fabric = f.Name, hosts = f.Leaves * f.HostsPerLeaf, nodes, partitions = stats.Length, layout, simSeconds = seconds, rate,
                    wallSeconds = wall, buildSeconds = outcome.Build.TotalSeconds, clusterStartupSeconds = outcome.ClusterStartup.TotalSeconds, linkTx = summary.LinkTransmissions, linkTxPerSec = linkTxRate,
                    events = summary.EventsProcessed, eventsPerSec = summary.EventsProcessed / wall, simSecondsPerWallSecond = seconds / wall,
                    peakWorkingSetMb = peakMb, delivered = summary.DeliveredPackets, meanDelayUs = summary.Latency.MeanPs / 1e6,
                    windows = outcome.Completion.Windows, syncWaitShare = waitShare, ns3LinkTxPerSec = ns3Rate,
                    eventsByPartition = stats.Select(p => p.EventsProcessed),
                    busyNsPerEventByPartition = stats.Select(p => p.BusyMicroseconds * 1e3 / Math.Max(1, p.EventsProcessed)),
                    processMemoryByPartition = stats.Select(p => new { allocatedBytes = p.Memory.AllocatedBytes, collections = p.Memory.Collections, pauseMicroseconds = p.Memory.PauseMicroseconds }),
                    ns3WallSeconds = ns3Result?.GetProperty("runWallS").GetDouble(), ns3Delivered = ns3Result?.GetProperty("pktsRecv").GetInt64(),
                    ns3LinkTx = ns3Result?.GetProperty("linkTx").GetInt64(), ns3MeanDelayUs = ns3Result?.GetProperty("meanDelayUs").GetDouble(),
                });
                await File.AppendAllTextAsync(json.FullName, line + "\n", cancel);
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The same run with checkpoints, right after the plain one (so that both see the same machine): how many, their size per LP
    /// compressed and not, the wall time from a barrier to its last piece, and the slowdown of the whole run.
    /// </summary>
    private static async Task CheckpointedRun(ExperimentCluster members, Fabric f, string plainText, string every, int partitions, ExperimentOutcome plain,
        CancellationToken cancel)
    {
        var text = plainText + $"kernel.checkpoint-interval = {every}\n";
        var scenario = ScenarioLoader.Parse(text, $"bench-{f.Name}", Environment.CurrentDirectory, ActorsHost.FabricModel.Instance);
        var taken = new List<WindowProtocolCheckpoint>();
        var outcome = await Experiment.RunOnAsync(members, scenario, Environment.CurrentDirectory, partitions,
            _ => { }, cancel, checkpointed: c => { lock (taken) taken.Add(c); });
        if (!ResultsCodec.Encode(outcome.Results).AsSpan().SequenceEqual(ResultsCodec.Encode(plain.Results)))
            throw new InvalidOperationException("a run with checkpoints gave other results than the plain run");
        var lps = f.Spines + f.Leaves + f.Leaves * f.HostsPerLeaf;
        var bytes = taken.Count == 0 ? 0 : taken.Average(c => (double)c.Point.Bytes);
        var wall = taken.Count == 0 ? 0 : taken.Average(c => c.WallMicroseconds) / 1e3;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"        checkpoints every {every}: {taken.Count} taken, {bytes / 1024:0.0} KiB each ({bytes / lps:0} B per LP compressed), {wall:0.0} ms from barrier to last piece; run {outcome.Run.TotalSeconds:0.000} s against {plain.Run.TotalSeconds:0.000} s plain ({outcome.Run.TotalSeconds / plain.Run.TotalSeconds - 1:+0.0%;-0.0%}); same results"));
    }

    internal static string ScenarioText(Fabric f, double seconds, string rate) => string.Create(CultureInfo.InvariantCulture, $$"""
        name = "bench-{{f.Name}}"
        seed = 1
        duration = {{seconds * 1000 + 1}}ms
        topology {
          spines = {{f.Spines}}
          leaves = {{f.Leaves}}
          hosts-per-leaf = {{f.HostsPerLeaf}}
          host-link { rate = 10Gbps, delay = 1us }
          fabric-link { rate = 40Gbps, delay = 1us }
        }
        # No checkpoint by wall time in the plain run (--checkpoint-every adds them by simulated time).
        kernel.checkpoint-wall-interval = off
        # ns-3's models charge no CPU: compare the kernels on the same physics.
        servers.stack-costs = free
        traffic.generators = [
          { kind = cbr, rate = {{rate}}, packet-size = 1000B, destination = random, stop = {{seconds * 1000}}ms }
        ]
        """);

    private static JsonElement? RunNs3(FileInfo binary, Fabric f, double seconds, string rate)
    {
        var psi = new ProcessStartInfo(binary.FullName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])[$"--spines={f.Spines}", $"--leaves={f.Leaves}", $"--hostsPerLeaf={f.HostsPerLeaf}", "--pktSize=1000",
                     $"--rate={rate}", string.Create(CultureInfo.InvariantCulture, $"--simTime={seconds}"), "--seed=1", "--routing=nix", "--qdisc=none"])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
    }
}
