using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DcSim.Runner.Results;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench-hosts`: issue 14's datacenter-scale benchmark (config/scenarios/leaf-spine-10k.conf, built here in code): a
/// 10,240-host leaf-spine where every host sends a 100 Mb/s Poisson stream, run in this thread next to the 128-host medium
/// fabric under the same load, so that the cost of one event, of one idle host and of the end-of-run report can be read
/// against the size of the datacenter. Besides the whole loop, the second half of the traffic is timed on its own: by then every host
/// has started and made its flows, so its events per CPU second are the cost of an event apart from each host's first ones.
/// </summary>
internal static class BenchHostsCommand
{
    private sealed record Shape(string Name, int Spines, int Leaves, int HostsPerLeaf, double SimMs)
    {
        public int Hosts => Leaves * HostsPerLeaf;
    }


    public static Command Create()
    {
        var spines = new Option<int>("--spines") { DefaultValueFactory = _ => 16 };
        var leaves = new Option<int>("--leaves") { DefaultValueFactory = _ => 160 };
        var hostsPerLeaf = new Option<int>("--hosts-per-leaf") { DefaultValueFactory = _ => 64 };
        var simTime = new Option<double>("--sim-time") { Description = "Simulated milliseconds of traffic on the large fabric (+1 ms drain)", DefaultValueFactory = _ => 2 };
        var mediumSimTime = new Option<double>("--medium-sim-time")
        {
            Description = "Simulated milliseconds of traffic on the medium fabric (dcsim bench's 0.25 s: enough events to time)", DefaultValueFactory = _ => 250,
        };
        var rate = new Option<string>("--rate") { Description = "Per-host Poisson rate", DefaultValueFactory = _ => "100Mbps" };
        var repeat = new Option<int>("--repeat") { Description = "Measure both fabrics this many times, alternating", DefaultValueFactory = _ => 1 };
        var json = new Option<FileInfo?>("--json") { Description = "Append one JSON line per fabric and run to this file" };
        var command = new Command("bench-hosts", "Measure the cost per event, per idle host and of the end-of-run report on a 10,240-host leaf-spine against the medium fabric")
            { spines, leaves, hostsPerLeaf, simTime, mediumSimTime, rate, repeat, json };
        command.SetAction((parse, cancel) => Execute(
            new Shape("large-dc", parse.GetValue(spines), parse.GetValue(leaves), parse.GetValue(hostsPerLeaf), parse.GetValue(simTime)),
            new Shape("medium", 4, 8, 16, parse.GetValue(mediumSimTime)), parse.GetValue(rate)!, parse.GetValue(repeat), parse.GetValue(json), cancel));
        return command;
    }

    private static async Task<int> Execute(Shape big, Shape medium, string rate, int repeat, FileInfo? json, CancellationToken cancel)
    {
        if (big.Spines < 1 || big.Leaves < 1 || big.HostsPerLeaf < 1 || big.SimMs <= 0 || medium.SimMs <= 0)
        {
            Console.Error.WriteLine("dcsim: --spines, --leaves and --hosts-per-leaf must be at least 1, --sim-time and --medium-sim-time greater than 0");
            return ExitCodes.BadInput;
        }
        Console.WriteLine("fabric     hosts  events   loop_cpu_s events/cpu_s start_cpu_s late_events/cpu_s report_cpu_s idle_report_cpu_s files_cpu_s idle_B/host results_KB");
        for (var i = 0; i < Math.Max(1, repeat); i++)
        {
            foreach (var shape in (Shape[])[big, medium])
            {
                cancel.ThrowIfCancellationRequested();
                var m = Measure(shape, rate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{shape.Name,-9} {shape.Hosts,6} {m.Events,9} {m.LoopSeconds,10:0.000} {m.Events / m.LoopSeconds,12:N0} {m.StartSeconds,11:0.000} {m.LateEvents / m.LateSeconds,17:N0} {m.ReportSeconds,12:0.000} {m.IdleReportSeconds,17:0.000} {m.FilesSeconds,11:0.000} {m.IdleBytesPerHost,11:N0} {m.ResultBytes / 1024.0,10:N0}"));
                if (json is not null)
                    await File.AppendAllTextAsync(json.FullName, JsonSerializer.Serialize(new
                    {
                        fabric = shape.Name, hosts = shape.Hosts, simMs = shape.SimMs, rate, events = m.Events, loopCpuSeconds = m.LoopSeconds, eventsPerCpuSecond = m.Events / m.LoopSeconds,
                        startCpuSeconds = m.StartSeconds, lateEvents = m.LateEvents, lateCpuSeconds = m.LateSeconds, lateEventsPerCpuSecond = m.LateEvents / m.LateSeconds,
                        reportCpuSeconds = m.ReportSeconds, idleReportCpuSeconds = m.IdleReportSeconds, filesCpuSeconds = m.FilesSeconds, idleBytesPerHost = m.IdleBytesPerHost,
                        resultBytes = m.ResultBytes, peakWorkingSetMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1e6,
                    }) + "\n", cancel);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB"));
        return ExitCodes.Ok;
    }

    /// <param name="StartSeconds">The loop's start (each host's first timers), which <paramref name="LoopSeconds"/> includes.</param>
    /// <param name="LateEvents">Events of the second half of the traffic, from half its simulated time to its end (the drain left out).</param>
    /// <param name="LateSeconds">CPU time of <paramref name="LateEvents"/>.</param>
    private sealed record Measurement(long Events, double LoopSeconds, double StartSeconds, long LateEvents, double LateSeconds, double ReportSeconds,
        double IdleReportSeconds, double FilesSeconds, double IdleBytesPerHost, long ResultBytes);

    /// <summary>
    /// In this thread: the managed heap of the idle fabric (no traffic) over its hosts, the idle run's report, then the loaded
    /// run's event loop, its report (what a partition and the coordinator do: report, encode, decode) and its result files.
    /// Times are the process's CPU time (its GC included), which other sessions on a shared machine disturb less than wall time.
    /// </summary>
    private static Measurement Measure(Shape shape, string rate)
    {
        var model = ActorsHost.FabricModel.Instance;
        var idle = Parse(ScenarioText(shape, rate, idle: true), model);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var idlePartition = model.BuildPartition(idle, 1, 0);
        var idleHeap = GC.GetTotalMemory(forceFullCollection: true) - before;
        Run(model, idle, idlePartition, shape);
        var clock = CpuSeconds();
        ResultsCodec.Decode(ResultsCodec.Encode(idlePartition.Report(idle.DurationPs)));
        var idleReport = CpuSeconds() - clock;
        GC.KeepAlive(idlePartition);

        var loaded = Parse(ScenarioText(shape, rate, idle: false), model);
        var partition = model.BuildPartition(loaded, 1, 0);
        // The build's garbage is collected before the loop is timed: left, its collection fell in the start (20-66 ms at 10,240 hosts).
        GC.Collect();
        clock = CpuSeconds();
        var (start, lateEvents, late) = Run(model, loaded, partition, shape);
        var loop = CpuSeconds() - clock;
        clock = CpuSeconds();
        var encoded = ResultsCodec.Encode(partition.Report(loaded.DurationPs));
        var results = ResultsCodec.Decode(encoded);
        var report = CpuSeconds() - clock;
        var directory = Path.Combine(Path.GetTempPath(), $"dcsim-bench-hosts-{Environment.ProcessId}");
        clock = CpuSeconds();
        ResultFiles.Write(directory, loaded, results);
        var files = CpuSeconds() - clock;
        Directory.Delete(directory, recursive: true);
        return new Measurement(partition.EventsProcessed, loop, start, lateEvents, late, report, idleReport, files, (double)idleHeap / shape.Hosts, encoded.Length);
    }

    private static double CpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> to its end; the CPU time of its start, and the events and CPU time of the windows that end in
    /// the second half of <paramref name="shape"/>'s traffic.
    /// </summary>
    private static (double StartSeconds, long LateEvents, double LateSeconds) Run(ActorsHost.FabricModel model, ScenarioSettings scenario,
        Partition partition, Shape shape)
    {
        var clock = CpuSeconds();
        partition.Start();
        var start = CpuSeconds() - clock;
        var (lateFrom, lateTo) = ((long)(shape.SimMs / 2 * SimTime.Millisecond), (long)(shape.SimMs * SimTime.Millisecond));
        (long Events, double Seconds)? atHalf = null, atEnd = null;
        var schedule = new WindowSchedule(model.Layout(scenario, 1).Lookahead(), scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
        while (schedule.Next(partition.NextEventTime) is { } window)
        {
            // One partition's windows run to the next progress point: the loop stops at each mark inside one (the same events, in order).
            if (atHalf is null && window.End >= lateFrom)
            {
                partition.RunUntil(lateFrom);
                atHalf = (partition.EventsProcessed, CpuSeconds());
            }
            if (atEnd is null && window.End >= lateTo)
            {
                partition.RunUntil(lateTo);
                atEnd = (partition.EventsProcessed, CpuSeconds());
            }
            partition.RunUntil(window.End);
        }
        var (half, end) = (atHalf ?? (partition.EventsProcessed, CpuSeconds()), atEnd ?? (partition.EventsProcessed, CpuSeconds()));
        return (start, end.Events - half.Events, end.Seconds - half.Seconds);
    }

    private static ScenarioSettings Parse(string text, ActorsHost.FabricModel model) =>
        ScenarioLoader.Parse(text, "bench-hosts", Environment.CurrentDirectory, model);

    // dcsim bench's fabric and settings; its CBR generator replaced (a setting set twice takes the last) by a Poisson one, or,
    // idle, by none: the hosts and ports are built as in the loaded run but nothing is sent.
    private static string ScenarioText(Shape s, string rate, bool idle) =>
        BenchCommand.ScenarioText(new BenchCommand.Fabric($"hosts-{s.Name}", s.Spines, s.Leaves, s.HostsPerLeaf, s.SimMs / 1000), s.SimMs / 1000, rate)
        + (idle ? "\ntraffic.generators = []\n" : string.Create(CultureInfo.InvariantCulture,
            $"\ntraffic.generators = [ {{ kind = poisson, rate = {rate}, packet-size = 1000B, destination = random, stop = {s.SimMs}ms }} ]\n"));
}
