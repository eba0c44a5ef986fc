using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DcSim.Runner.Hosting;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench-vms`: the scale benchmark of issue 9 (config/scenarios/scale-100k-vms.conf, built here in code):
/// 10,000 KVM servers on a leaf-spine, 10 VMs each, a few of them sending and the rest idle. Prints the
/// build time, the peak working set, the managed heap one idle VM costs, and the run's speed, to be read next
/// to `dcsim bench`'s medium and large fabrics.
/// </summary>
internal static class BenchVmsCommand
{
    // 250 leaves x 40 servers = 10,000, under 16 spines: a 40-port leaf with 16 uplinks, like the kernel benchmark's shapes.
    private const int Spines = 16, Leaves = 250, HostsPerLeaf = 40, Servers = Leaves * HostsPerLeaf;

    // KVM guests boot in 20 s (reference.conf costs.hypervisor.kvm); traffic starts just after.
    private const double TrafficStartMs = 20_001;

    public static Command Create()
    {
        var senders = new Option<int>("--senders") { Description = "VMs that run a CBR generator (template `senders`, 2 vCPUs)", DefaultValueFactory = _ => 1_000 };
        var idle = new Option<int>("--idle") { Description = "VMs that only boot and receive (template `idle`, 1 vCPU)", DefaultValueFactory = _ => 99_000 };
        var simTime = new Option<double>("--sim-time") { Description = "Simulated milliseconds of traffic after the boots", DefaultValueFactory = _ => 10 };
        var rate = new Option<string>("--rate") { Description = "Per-sender CBR rate", DefaultValueFactory = _ => "10Mbps" };
        var json = new Option<FileInfo?>("--json") { Description = "Append one JSON line with the figures to this file" };
        var command = new Command("bench-vms", "Measure building and running 10,000 KVM servers with 100,000 mostly idle VMs") { senders, idle, simTime, rate, json };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(senders), parse.GetValue(idle), parse.GetValue(simTime), parse.GetValue(rate)!,
            parse.GetValue(json), cancel));
        return command;
    }

    private static async Task<int> Execute(int senders, int idle, double simMs, string rate, FileInfo? json, CancellationToken cancel)
    {
        if (senders < 1 || idle < 1 || simMs <= 0)
        {
            Console.Error.WriteLine("dcsim: --senders and --idle must be at least 1, --sim-time greater than 0");
            return ExitCodes.BadInput;
        }
        var model = ActorsHost.FabricModel.Instance;
        var scenario = Parse(ScenarioText(senders, idle, simMs, rate), model);

        // The run first, in a fresh process, so that its build time and peak working set are its own.
        var outcome = await Experiment.RunAsync(scenario, Environment.CurrentDirectory, 1, new RunCluster(1, null, AkkaLog.ForProcess("bench")), _ => { }, cancel);
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
        var summary = new RunSummary(outcome.Results);
        var wall = outcome.Run.TotalSeconds;

        // Then the managed heap of the built partition, with and without the idle VMs: their difference is what they cost.
        // The first build is also run in this thread, to split the run's wall time into the event loop and the report.
        var (withIdle, loop, report) = HeapOfBuild(model, scenario, run: true);
        var (withoutIdle, _, _) = HeapOfBuild(model, Parse(ScenarioText(senders, 0, simMs, rate), model), run: false);
        var perIdleVm = (double)(withIdle - withoutIdle) / idle;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            scenario        {Servers:N0} servers (kvm, {Spines} spines, {Leaves} leaves x {HostsPerLeaf}), {senders + idle:N0} VMs: {senders:N0} sending {rate} CBR, {idle:N0} idle
            build           {outcome.Build.TotalSeconds:0.00} s
            peak working set {peakMb:N0} MB
            heap            {withIdle / 1e6:N0} MB built, {withoutIdle / 1e6:N0} MB without the idle VMs: {perIdleVm:N0} B per idle VM
            run             {simMs / 1000 + TrafficStartMs / 1000:0.###} s simulated in {wall:0.00} s: {summary.EventsProcessed:N0} events ({summary.EventsProcessed / wall:N0}/s), {summary.LinkTransmissions:N0} link tx ({summary.LinkTransmissions / wall:N0}/s)
            in one thread   event loop {loop.TotalSeconds:0.00} s ({summary.EventsProcessed / loop.TotalSeconds:N0} events/s, {summary.LinkTransmissions / loop.TotalSeconds:N0} link tx/s), end-of-run report {report.TotalSeconds:0.00} s
            delivered       {summary.DeliveredPackets:N0} packets, mean delay {summary.Latency.MeanPs / 1e6:0.00} us
            compare with    dcsim bench --fabric medium / large (events/s, link_tx/s) in the same sitting
            """));
        if (json is not null)
        {
            var line = JsonSerializer.Serialize(new
            {
                servers = Servers, senders, idle, rate, simSeconds = simMs / 1000 + TrafficStartMs / 1000, buildSeconds = outcome.Build.TotalSeconds,
                peakWorkingSetMb = peakMb, heapBuiltBytes = withIdle, heapWithoutIdleBytes = withoutIdle, bytesPerIdleVm = perIdleVm,
                wallSeconds = wall, loopSeconds = loop.TotalSeconds, reportSeconds = report.TotalSeconds, events = summary.EventsProcessed, eventsPerSec = summary.EventsProcessed / wall,
                linkTx = summary.LinkTransmissions, linkTxPerSec = summary.LinkTransmissions / wall, delivered = summary.DeliveredPackets,
            });
            await File.AppendAllTextAsync(json.FullName, line + "\n", cancel);
        }
        return ExitCodes.Ok;
    }

    private static ScenarioSettings Parse(string text, ActorsHost.FabricModel model) =>
        ScenarioLoader.Parse(text, "bench-vms", Environment.CurrentDirectory, model);

    /// <summary>
    /// The managed heap held by one built partition of the whole scenario (after a full collection either side); with
    /// <paramref name="run"/>, then the wall time of running it to the end in this thread and of its end-of-run report.
    /// </summary>
    private static (long Heap, TimeSpan Loop, TimeSpan Report) HeapOfBuild(ActorsHost.FabricModel model, ScenarioSettings scenario, bool run)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var partition = model.BuildPartition(scenario, 1, 0);
        var heap = GC.GetTotalMemory(forceFullCollection: true) - before;
        if (!run) return (heap, TimeSpan.Zero, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        partition.Start();
        var schedule = new WindowSchedule(model.Layout(scenario, 1).Lookahead(), scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
        while (schedule.Next(partition.NextEventTime) is { } window) partition.RunUntil(window.End);
        var loop = clock.Elapsed;
        clock.Restart();
        partition.Report(scenario.DurationPs);
        return (heap, loop, clock.Elapsed);
    }

    private static string ScenarioText(int senders, int idle, double simMs, string rate) => string.Create(CultureInfo.InvariantCulture, $$"""
        name = "bench-vms"
        seed = 1
        duration = {{TrafficStartMs + simMs}}ms
        topology {
          spines = {{Spines}}
          leaves = {{Leaves}}
          hosts-per-leaf = {{HostsPerLeaf}}
          host-link { rate = 10Gbps, delay = 1us }
          fabric-link { rate = 40Gbps, delay = 1us }
          host-cpu { cores = 16 }
        }
        servers.hypervisor = kvm
        vms = [
          { name = senders, count = {{senders}}, vcpus = 2 }
          {{(idle > 0 ? $"{{ name = idle, count = {idle}, vcpus = 1 }}" : "")}}
        ]
        traffic.generators = [
          { kind = cbr, endpoints = [senders], rate = {{rate}}, packet-size = 1000B, destination = random, start = {{TrafficStartMs}}ms }
        ]
        """);
}
