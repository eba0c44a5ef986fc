using System.CommandLine;
using DcSim.Runner.Hosting;
using DcSim.Runner.Results;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>`dcsim run SCENARIO [--out DIR] [--seed N] [--nodes N] [--partitions N]`.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario HOCON file" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for summary.json, flows.csv, links.csv", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var seed = new Option<ulong?>("--seed") { Description = "Override the scenario's seed" };
        var nodes = new Option<int>("--nodes") { Description = "Cluster members on 127.0.0.1 (this process + N-1 workers)", DefaultValueFactory = _ => 1 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions (default: the scenario's kernel.partitions, auto = one per node)" };
        var http = new Option<string?>("--http") { Description = "Serve GET /servers and /servers/{name} (counters while running) on PORT or HOST:PORT (default host 127.0.0.1)" };
        var join = new Option<string?>("--join") { Description = "HOST:PORT of a running `dcsim node`: run on that cluster (counting this process) instead of starting workers" };
        var force = ScenarioFile.ForceOption();
        var command = new Command("run", "Run a scenario and write its results") { scenario, output, seed, nodes, partitions, join, http, force };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(scenario)!, parse.GetValue(output)!, parse.GetValue(seed),
            parse.GetValue(nodes), parse.GetValue(partitions), parse.GetValue(join), parse.GetValue(http), parse.GetValue(force), cancel));
        return command;
    }

    private static async Task<int> Execute(FileInfo file, DirectoryInfo output, ulong? seed, int nodes, int? partitions, string? join, string? http,
        bool force, CancellationToken cancel)
    {
        if (nodes < 1) return Fail("--nodes must be at least 1");
        if (partitions is < 1) return Fail("--partitions must be at least 1");
        if (join is not null && !HostPort.IsValid(join)) return Fail($"--join expects HOST:PORT, got '{join}'");
        string? httpUrl = null;
        if (http is not null)
        {
            var hostPort = http.Contains(':') ? http : $"127.0.0.1:{http}";
            if (!HostPort.IsValid(hostPort)) return Fail($"--http expects PORT or HOST:PORT, got '{http}'");
            httpUrl = $"http://{hostPort}";
        }
        if (!ScenarioFile.TryLoad(file, seed, force, out var settings, out _)) return ExitCodes.BadInput;
        var partitionCount = partitions ?? (settings.Kernel.Partitions > 0 ? settings.Kernel.Partitions : nodes);
        var progress = new ProgressLine();
        ExperimentOutcome outcome;
        try
        {
            outcome = await Experiment.RunAsync(settings, file.DirectoryName ?? ".", nodes, partitionCount, progress.Update, cancel, join, httpUrl);
        }
        catch (OperationCanceledException)
        {
            progress.Done();
            Console.Error.WriteLine("interrupted: no result files were written");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is ExperimentFailedException or TimeoutException)
        {
            progress.Done();
            return Fail($"run failed: {ex.Message}");
        }
        progress.Done();
        ResultFiles.Write(output.FullName, settings, outcome.Results);
        Console.Write(ResultFiles.HumanSummary(settings, outcome.Results));
        var c = outcome.Completion;
        var events = c.Partitions.Sum(p => p.EventsProcessed);
        Console.WriteLine($"wall     {outcome.Run.TotalSeconds:0.000} s run ({events / Math.Max(1e-9, outcome.Run.TotalSeconds) / 1e6:0.00} M events/s) + {outcome.Build.TotalSeconds:0.000} s building + {outcome.ClusterStartup.TotalSeconds:0.0} s cluster start; {c.Windows:N0} windows, {nodes} node(s), {c.Partitions.Length} partition(s)");
        Console.WriteLine($"results  {output.FullName}");
        return new RunSummary(outcome.Results).Conserved ? ExitCodes.Ok : Fail("conservation check failed: see summary.json");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"dcsim: {message}");
        return ExitCodes.Failed;
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;
}
