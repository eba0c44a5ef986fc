using System.CommandLine;
using Akka.Actor;
using DcSim.Runner.Hosting;
using DcSim.Runner.Results;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>`dcsim run SCENARIO [--out DIR] [--seed N] [--nodes N] [--partitions N] [--join HOST:PORT] [--http PORT] [--verbose] [--force]`.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario HOCON file" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the result files: new, empty, or holding only an earlier run's results", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var seed = new Option<ulong?>("--seed") { Description = "Override the scenario's seed" };
        var nodes = new Option<int>("--nodes") { Description = "Cluster members on 127.0.0.1 (this process + N-1 workers)", DefaultValueFactory = _ => 1 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions (default: the scenario's kernel.partitions, auto = one per node)" };
        var http = new Option<string?>("--http") { Description = "Serve GET /servers and /servers/{name} (counters while running) on PORT or HOST:PORT (default host 127.0.0.1)" };
        var join = new Option<string?>("--join") { Description = "HOST:PORT of a running `dcsim node`: run on that cluster (counting this process) instead of starting workers" };
        var verbose = new Option<bool>("--verbose") { Description = "Print Akka's log (this process and its workers) on stderr instead of a file under the temp folder" };
        var force = ScenarioFile.ForceOption();
        var command = new Command("run", "Run a scenario and write its results") { scenario, output, seed, nodes, partitions, join, http, verbose, force };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(scenario)!, parse.GetValue(output)!, parse.GetValue(seed),
            parse.GetValue(nodes), parse.GetValue(partitions), parse.GetValue(join), parse.GetValue(http), parse.GetValue(verbose),
            parse.GetValue(force), cancel));
        return command;
    }

    /// <summary>How long an interrupted run may take to stop its workers and leave the cluster.</summary>
    private static readonly TimeSpan TeardownLimit = TimeSpan.FromSeconds(15);

    private static async Task<int> Execute(FileInfo file, DirectoryInfo output, ulong? seed, int nodes, int? partitions, string? join, string? http,
        bool verbose, bool force, CancellationToken cancel)
    {
        if (nodes < 1) return Usage("--nodes must be at least 1");
        if (partitions is < 1) return Usage("--partitions must be at least 1");
        if (join is not null && !HostPort.IsValid(join)) return Usage($"--join expects HOST:PORT, got '{join}'");
        string? httpUrl = null;
        if (http is not null)
        {
            var hostPort = http.Contains(':') ? http : $"127.0.0.1:{http}";
            if (!HostPort.IsValid(hostPort)) return Usage($"--http expects PORT or HOST:PORT, got '{http}'");
            httpUrl = $"http://{hostPort}";
        }
        if (!ScenarioFile.TryLoad(file, seed, force, out var settings, out _)) return ExitCodes.BadInput;
        if (OutputDirectory.Problem(output.FullName) is { } problem) return Usage($"--out {output.FullName}: {problem}");
        QueryEndpoint? endpoint;
        try
        {
            endpoint = httpUrl is null ? null : await QueryEndpoint.StartAsync(httpUrl);
        }
        catch (EndpointBindException ex)
        {
            return Usage($"--http {http}: {ex.Message}");
        }
        await using var endpointLifetime = endpoint;

        var log = AkkaLog.For("run", verbose);
        var partitionCount = partitions ?? (settings.Kernel.Partitions > 0 ? settings.Kernel.Partitions : nodes);
        var progress = new ProgressLine();
        var experiment = Experiment.RunAsync(settings, file.DirectoryName ?? ".", partitionCount, new RunCluster(nodes, join, log, verbose),
            progress.Update, cancel, endpoint, failed: reason =>
            {
                progress.Done();
                Fail($"run failed: {reason}{log.Hint}");
            });
        ExperimentOutcome outcome;
        try
        {
            outcome = await experiment.WaitAsync(cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Said at once: stopping workers and leaving the cluster can take seconds more.
            progress.Done();
            Console.Error.WriteLine("interrupted: no result files were written");
            await Task.WhenAny(experiment, Task.Delay(TeardownLimit, CancellationToken.None));
            return ExitCodes.Interrupted;
        }
        catch (ExperimentFailedException)
        {
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is TimeoutException or AskTimeoutException)
        {
            progress.Done();
            return Fail($"run failed: {ex.Message}{log.Hint}");
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

    /// <summary>A command line that cannot work (bad option, output path, port): exit 2 before anything runs.</summary>
    private static int Usage(string message)
    {
        Console.Error.WriteLine($"dcsim: {message}");
        return ExitCodes.BadInput;
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    /// <summary>A bad scenario, option, output path or port: nothing was run or written.</summary>
    public const int BadInput = 2;
    public const int Interrupted = 130;
}
