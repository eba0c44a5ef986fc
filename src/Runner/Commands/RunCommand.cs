using System.CommandLine;
using Akka.Actor;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using DcSim.Runner.Results;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim run SCENARIO [--out DIR] [--seed N] [--nodes N] [--partitions N] [--join HOST:PORT] [--http PORT] [--journal J] [--pcap POINTS]
/// [--pcap-limit N] [--report] [--verbose] [--force]`,
/// or `dcsim run --resume DIR [--from-start] [...]` to continue a stopped run from its journal (its last checkpoint, or the start).
/// </summary>
internal static class RunCommand
{
    public const string DefaultOutput = "results";

    public static Command Create()
    {
        var scenario = new Argument<FileInfo?>("scenario") { Description = "Scenario HOCON file (none with --resume)", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<DirectoryInfo?>("--out") { Description = $"Directory for the result files and the journal: new, empty, or holding only an earlier run's results and journal (default: {DefaultOutput})" };
        var seed = new Option<ulong?>("--seed") { Description = "Override the scenario's seed" };
        var nodes = new Option<int>("--nodes") { Description = "Cluster members on 127.0.0.1 (this process + N-1 workers)", DefaultValueFactory = _ => 1 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions (default: the scenario's kernel.partitions, auto = one per node, on one node one per core for large fabrics; with --resume, the recorded run's)" };
        var http = new Option<string?>("--http") { Description = "Serve GET /servers and /servers/{name} (counters while running) on PORT or HOST:PORT (default host 127.0.0.1)" };
        var join = new Option<string?>("--join") { Description = "HOST:PORT of a running `dcsim node`: run on that cluster (counting this process) instead of starting workers" };
        var journal = new Option<string?>(JournalChoice.OptionName) { Description = "Where the journal goes: sqlite (DIR/journal.db, the default), off, or a PostgreSQL URL/connection string (overrides persistence.journal)" };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue the stopped run whose results folder is DIR, from DIR/journal.db (or, with --journal, the database DIR/journal.id points into); no scenario argument" };
        var fromStart = new Option<bool>("--from-start") { Description = "With --resume: run the stopped run again from its beginning, not from its last checkpoint" };
        var report = new Option<bool>("--report") { Description = "Also write DIR/report.html, as `dcsim report DIR` does, once the results are written" };
        var verbose = new Option<bool>("--verbose") { Description = "Print Akka's log (this process and its workers) on stderr instead of a file under the temp folder, and at the end when each start-up step ended" };
        var pcap = new Option<string?>("--pcap") { Description = "Write DIR/pcap/FROM-to-TO.pcap for these ports, comma-separated: FROM->TO as in links.csv, a node for both directions of its links, * for any characters (replaces the scenario's pcap.points)" };
        var pcapLimit = new Option<int?>("--pcap-limit") { Description = $"Frames kept per captured port (default: the scenario's pcap.limit, {CaptureSettings.DefaultLimit:N0}); later ones are only counted" };
        var force = ScenarioFile.ForceOption();
        var command = new Command("run", "Run a scenario and write its results") { scenario, output, seed, nodes, partitions, join, http, journal, resume, fromStart, pcap, pcapLimit, report, verbose, force };
        command.SetAction((parse, cancel) => Execute(new RunOptions(parse.GetValue(scenario), parse.GetValue(output), parse.GetValue(seed),
            parse.GetValue(nodes), parse.GetValue(partitions), parse.GetValue(join), parse.GetValue(http), parse.GetValue(journal),
            parse.GetValue(resume), parse.GetValue(fromStart), parse.GetValue(pcap), parse.GetValue(pcapLimit), parse.GetValue(report), parse.GetValue(verbose), parse.GetValue(force)), cancel));
        return command;
    }

    private sealed record RunOptions(FileInfo? Scenario, DirectoryInfo? Output, ulong? Seed, int Nodes, int? Partitions, string? Join, string? Http,
        string? Journal, DirectoryInfo? Resume, bool FromStart, string? Pcap, int? PcapLimit, bool Report, bool Verbose, bool Force);

    /// <summary>How long an interrupted run may take to stop its workers and leave the cluster.</summary>
    private static readonly TimeSpan TeardownLimit = TimeSpan.FromSeconds(15);

    private static async Task<int> Execute(RunOptions o, CancellationToken cancel)
    {
        if (o.Nodes < 1) return Usage("--nodes must be at least 1");
        if (o.Partitions is < 1) return Usage("--partitions must be at least 1");
        if (o.Join is not null && !HostPort.IsValid(o.Join)) return Usage($"--join expects HOST:PORT, got '{o.Join}'");
        string? httpUrl = null;
        if (o.Http is not null)
        {
            var hostPort = o.Http.Contains(':') ? o.Http : $"127.0.0.1:{o.Http}";
            if (!HostPort.IsValid(hostPort)) return Usage($"--http expects PORT or HOST:PORT, got '{o.Http}'");
            httpUrl = $"http://{hostPort}";
        }
        if (o.Resume is null && o.Scenario is null) return Usage("run needs a SCENARIO file, or --resume DIR to continue a stopped run");
        if (o.FromStart && o.Resume is null) return Usage("--from-start goes with --resume DIR");
        if (o.Resume is not null && (o.Scenario ?? o.Output ?? o.Pcap ?? o.PcapLimit ?? (object?)o.Seed) is not null)
            return Usage("--resume DIR continues the run recorded in DIR's journal, with its own scenario, seed, captures and folder: give no SCENARIO, --out, --seed, --pcap or --pcap-limit");
        if (o.PcapLimit is < 1 or > CaptureSettings.MaxLimit) return Usage($"--pcap-limit must be from 1 to {CaptureSettings.MaxLimit:N0}, got {o.PcapLimit}");
        var pcapPoints = o.Pcap?.Split(',', StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (pcapPoints?.Select(CaptureSettings.SyntaxProblem).FirstOrDefault(p => p is not null) is { } pcapSyntax) return Usage($"--pcap: {pcapSyntax}");

        var log = AkkaLog.For("run", o.Verbose);
        var cluster = new RunCluster(o.Nodes, o.Join, log, o.Verbose);
        await using var localNode = cluster.Local ? new LocalNodeStart(log) : null;
        RunResume? resumed = null;
        ScenarioSettings settings;
        var outputDirectory = Path.GetFullPath((o.Resume ?? o.Output)?.FullName ?? DefaultOutput);
        var journal = new JournalChoice(o.Journal, outputDirectory);
        if (o.Resume is not null)
        {
            if (journal.CheckOption() is { } journalProblem) return Usage(journalProblem);
            resumed = await RunResume.OpenAsync(outputDirectory, journal.Settings, o.Force, log, new RunResume.ResumeOptions(o.FromStart, o.Join, o.Partitions));
            if (resumed is null) return ExitCodes.BadInput;
            settings = resumed.Scenario;
        }
        else
        {
            var checks = ScenarioFile.Checks(o.Force, capturePoints: pcapPoints is null);
            var model = checks.Model!;
            checks = checks with { Model = s => [.. model(s), .. journal.CheckScenario(o.Scenario!.FullName)] };
            if (!ScenarioFile.TryLoad(o.Scenario!, o.Seed, o.Force, out settings, out _, checks)) return ExitCodes.BadInput;
            if (journal.CheckOption() is { } journalProblem) return Usage(journalProblem);
            if (pcapPoints is not null || o.PcapLimit is not null)
            {
                settings = settings.WithCapture(new CaptureSettings(pcapPoints ?? settings.Capture.Points, o.PcapLimit ?? settings.Capture.Limit));
                if (!settings.Capture.Enabled) return Usage("--pcap-limit goes with --pcap POINTS or a scenario's pcap.points");
                if (pcapPoints is not null && ScenarioFile.CaptureProblems(settings).FirstOrDefault() is ({ } point, { } message))
                    return Usage($"--pcap {point}: {message}");
            }
        }
        StartTimeline.Mark("scenario");
        await using var resumedJournal = resumed?.Journal;
        if (OutputDirectory.Problem(outputDirectory) is { } problem) return Usage($"--out {outputDirectory}: {problem}");
        QueryEndpoint? endpoint;
        try
        {
            endpoint = httpUrl is null ? null : await QueryEndpoint.StartAsync(httpUrl);
        }
        catch (EndpointBindException ex)
        {
            return Usage($"--http {o.Http}: {ex.Message}");
        }
        await using var endpointLifetime = endpoint;

        var partitionCount = o.Partitions ?? resumed?.Definition.Partitions ?? FabricLayout.PartitionsFor(settings.Kernel, settings.Datacenter().Topology, o.Nodes);
        // The node is still starting (Akka's start is the longer way to the first window): its partitions are built meanwhile.
        if (localNode is not null && resumed is null) ActorsHost.FabricModel.Instance.BuildAhead(settings, partitionCount);
        Task<bool>? preparing = null;
        var placed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<RunJournal>? opening = null;
        if (resumed is not null) opening = ResumeAsync(resumed);
        else
        {
            var experimentId = RunJournal.NewExperimentId(settings.Name);
            // In the background, beside the run's start: a new SQLite file's WAL mode waits for the disk (fsyncs: 20-130 ms, 220 ms
            // under another process's I/O), which neither the node nor the partitions need. A refusal is still this command's usage
            // error, said below before anything else.
            preparing = Task.Run(() => journal.Prepare(experimentId));
            if (journal.Settings is not null) opening = BeginAsync(preparing, placed.Task, journal, experimentId, settings, partitionCount, log);
        }
        var pending = opening is null ? null : new OpeningJournal(opening);
        var progress = new ProgressLine();
        var checkpoints = new CheckpointTally();
        var experiment = Experiment.RunAsync(settings, resumed?.Definition.BaseDirectory ?? o.Scenario!.DirectoryName ?? ".", partitionCount,
            cluster,
            p =>
            {
                progress.Update(p);
                pending?.Report(p);
            },
            cancel, endpoint, failed: reason =>
            {
                progress.Done();
                Fail($"run failed: {reason}{log.Hint}");
            }, ready: pending?.Opening, from: resumed?.From,
            checkpointed: c =>
            {
                checkpoints.Add(c);
                if (c.Point.Partitions is not null) pending?.RecordCheckpoint(c.Point);
            },
            checkpointFailed: f =>
            {
                progress.Done();
                Console.Error.WriteLine($"dcsim: the run goes on without checkpoints: partition {f.Index}: {f.Reason}");
            }, localNode: localNode?.Take(), placed: placed);
        // A run that ends with no first window and no word from its coordinator (its cluster did not start, it was interrupted) lets the
        // journal give up at once: waiting for it would hold the command's end for the whole teardown limit.
        _ = experiment.ContinueWith(_ => placed.TrySetCanceled(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var createdOutput = false;
        try
        {
            if (preparing is not null) createdOutput = await preparing;
        }
        catch (JournalUnavailableException ex)
        {
            // The run stops by itself: its journal's opening is cancelled (BeginAsync), and no outcome is returned before it opens.
            return Usage($"--out {outputDirectory}: {ex.Message}");
        }
        var finished = false;
        try
        {
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
            StartTimeline.Mark("results merged");
            ResultFiles.Write(outputDirectory, settings, outcome.Results);
            StartTimeline.Mark("result files");
            var c = outcome.Completion;
            var events = c.Partitions.Sum(p => p.EventsProcessed);
            // Written after the result files: a completed journal always has its results beside it.
            var runJournal = pending is null ? null : await pending.Opening;
            if (runJournal is not null)
            {
                foreach (var (entity, server, at) in ResultFiles.CompletedMoves(settings, outcome.Results)) runJournal.RecordMove(entity, server, at);
                await runJournal.FinishAsync(new JournalProgress(settings.DurationPs, c.Windows, events));
            }
            finished = true;
            Console.Write(ResultFiles.HumanSummary(settings, outcome.Results));
            Console.Write(ResultFiles.CaptureSummary(outputDirectory, outcome.Results));
            Console.WriteLine($"wall     {outcome.Run.TotalSeconds:0.000} s run ({events / Math.Max(1e-9, outcome.Run.TotalSeconds) / 1e6:0.00} M events/s) + {outcome.Build.TotalSeconds:0.000} s building + {outcome.ClusterStartup.TotalSeconds:0.0} s {(outcome.Clustered ? "cluster start" : "start, in this process alone (no cluster)")}; {c.Windows:N0} windows, {o.Nodes} node(s), {c.Partitions.Length} partition(s)");
            Console.WriteLine(runJournal is null ? "journal  off"
                : $"journal  {runJournal.Settings.Display} (experiment {runJournal.ExperimentId}{(resumed is null ? "" : ResumedFrom(resumed.From))})");
            if (checkpoints.Count > 0) Console.WriteLine($"checkpoints {checkpoints}");
            if (o.Verbose) Console.WriteLine($"start    {StartTimeline.Describe()} (from the process's start)");
            Console.WriteLine($"results  {outputDirectory}");
            if (o.Report && ReportCommand.Execute(outputDirectory, Console.Out, Console.Error) is not ExitCodes.Ok and var failed) return failed;
            return new RunSummary(outcome.Results).Conserved ? ExitCodes.Ok : Fail("conservation check failed: see summary.json");
        }
        finally
        {
            await CloseAsync(opening, resumed is not null);
            // A run that ends unfinished by itself (failed, interrupted) leaves nothing, as before it had a journal; only one
            // stopped without a chance to clean up (power loss, SIGKILL) leaves its journal, for --resume. A resumed run keeps
            // the journal it continues.
            if (!finished && resumed is null)
            {
                JournalTarget.DeleteFromFolder(outputDirectory);
                if (createdOutput && !Directory.EnumerateFileSystemEntries(outputDirectory).Any()) Directory.Delete(outputDirectory);
            }
        }
    }

    private static string ResumedFrom(RecoveryPoint from) =>
        from.IsStart ? ", resumed from the start" : $", resumed from its checkpoint at sim {SimTime.Format(from.SimulatedTime)}";

    /// <summary>
    /// Opens the journal once <paramref name="preparing"/> has prepared its store and the run has its first window (<paramref name="placed"/>),
    /// and records the run's definition: in the background, while the run simulates. A store that could not be prepared cancels it: that
    /// is the command's error (Execute says it), not the run's; so does a run that ended before it had a first window.
    /// </summary>
    /// <remarks>
    /// The journal's own ActorSystem (Akka.Persistence.Sql, linq2db, SQLite) costs 0.7-1.0 s of CPU, mostly first-time work; started
    /// beside the node it took a core from the way to the first window. Opened once that is placed, a one-process run's first window came
    /// at 0.36 / 0.50 s (min / median of 8) instead of 0.39 / 0.65 s, and its result files at 1.65 s instead of 1.84 s (median;
    /// interleaved, load 4-5; docs/benchmarks.md, "tenth round"). Nothing leaves the process before the journal has recorded the run
    /// (<see cref="Experiment"/>), so waiting longer for it loses nothing.
    /// </remarks>
    private static Task<RunJournal> BeginAsync(Task preparing, Task placed, JournalChoice journal, string experimentId, ScenarioSettings settings, int partitions,
        AkkaLog log) => Task.Run(async () =>
    {
        try
        {
            await preparing;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new OperationCanceledException("the journal's store could not be prepared", ex);
        }
        await placed;
        var opened = RunJournal.OpenNew(journal.Settings!, journal.Store!, experimentId, log);
        StartTimeline.Mark("journal system");
        try
        {
            await opened.BeginAsync(ExperimentDefinition.Of(settings, ActorsHost.FabricModel.Instance.Layout(settings, partitions)));
            StartTimeline.Mark("journal");
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    });

    private static async Task<RunJournal> ResumeAsync(RunResume resumed)
    {
        await resumed.Journal.ResumeAsync(ResumePoint.Progress(resumed.From));
        return resumed.Journal;
    }

    /// <summary>Stops the journal's ActorSystem (a resumed run's is disposed by its owner), once it has opened.</summary>
    private static async Task CloseAsync(Task<RunJournal>? opening, bool resumed)
    {
        if (resumed || opening is null) return;
        try
        {
            await (await opening.WaitAsync(TeardownLimit)).DisposeAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A journal that never opened has nothing to close; the run already said why it failed.
        }
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
