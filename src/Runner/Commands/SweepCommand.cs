using System.CommandLine;
using System.Diagnostics;
using DcSim.Runner.Sweep;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim sweep SCENARIO --vary KEY=V1,V2,... [--vary ...] [--out DIR] [--seed N] [--resume] [--force]`: runs the scenario
/// once per point of the grid of the varied keys (each an ordinary run, in this process, one after another), then writes
/// sweep.csv and report.html over all points. Every point is loaded and checked before the first runs.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario HOCON file" };
        var vary = new Option<string[]>("--vary")
        {
            Description = "KEY=V1,V2,...: a scenario key (e.g. topology.host-link.rate, traffic.generators[0].packet-size) and its values; several --vary make a grid, the last varying fastest",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for sweep.csv, report.html and points/: new or empty (or an earlier sweep's, with --resume)", DefaultValueFactory = _ => new DirectoryInfo("results/sweep") };
        var seed = new Option<ulong?>("--seed") { Description = "Override the scenario's seed at every point" };
        var resume = new Option<bool>("--resume") { Description = "Continue an earlier sweep in --out: skip points whose results are complete and from the same settings" };
        var force = ScenarioFile.ForceOption();
        var command = new Command("sweep", "Run a scenario over a grid of values of its keys; write each point's results, sweep.csv and report.html") { scenario, vary, output, seed, resume, force };
        // On the thread pool, so that Ctrl-C is seen between points (a point's run is not interruptible; --resume redoes it).
        command.SetAction((parse, cancel) => Task.Run(() => Execute(parse.GetValue(scenario)!, parse.GetValue(vary) ?? [], parse.GetValue(output)!,
            parse.GetValue(seed), parse.GetValue(resume), parse.GetValue(force), cancel), CancellationToken.None));
        return command;
    }

    private static int Execute(FileInfo file, string[] varies, DirectoryInfo output, ulong? seed, bool resume, bool force, CancellationToken cancel)
    {
        var axes = new List<SweepAxis>();
        foreach (var vary in varies)
        {
            if (SweepAxis.Parse(vary, out var error) is not { } axis) return Usage($"--vary {vary}: {error}");
            if (axes.Any(a => a.Key == axis.Key)) return Usage($"--vary {vary}: {axis.Key} is varied twice; give all its values in one --vary");
            axes.Add(axis);
        }
        // The file as it stands first: its own errors are reported at its own lines, once, not once per point.
        if (!ScenarioFile.TryLoad(file, seed, force, out _, out _)) return ExitCodes.BadInput;
        var plan = SweepPlan.Make(File.ReadAllText(file.FullName), file.FullName, file.DirectoryName ?? ".", axes, seed, force);
        foreach (var warning in plan.Warnings) Console.Error.WriteLine(warning);
        if (plan.Errors.Count > 0)
        {
            foreach (var error in plan.Errors) Console.Error.WriteLine(error);
            return ExitCodes.BadInput;
        }
        if (SweepFolder.Problem(output.FullName, resume) is { } problem) return Usage($"--out {output.FullName}: {problem}");

        var rows = new List<(SweepPoint, double?[])>();
        var n = plan.Points.Count;
        foreach (var (point, _, settings) in plan.Points)
        {
            if (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: {rows.Count} of {n} point(s) are in {output.FullName}; --resume finishes the sweep");
                return ExitCodes.Interrupted;
            }
            var folder = Path.Combine(output.FullName, SweepFolder.Points, point.FolderName(n));
            if (resume && SweepFolder.IsComplete(folder, settings))
                Console.WriteLine($"point {point.Number}/{n} {point.Label}: done earlier, kept");
            else
            {
                var wall = Stopwatch.StartNew();
                try
                {
                    // As `dcsim run` on one node: the scenario's partitions, or one.
                    var results = InProcessRun.Run(ActorsHost.FabricModel.Instance, settings, settings.Kernel.Partitions > 0 ? settings.Kernel.Partitions : 1);
                    SweepFolder.WritePoint(folder, settings, results);
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"dcsim: point {point.Number}/{n} {point.Label} failed: {ex.Message}");
                    return ExitCodes.Failed;
                }
                Console.WriteLine($"point {point.Number}/{n} {point.Label}: {wall.Elapsed.TotalSeconds:0.000} s");
            }
            rows.Add((point, SweepFigures.Read(File.ReadAllText(Path.Combine(folder, "summary.json")))));
        }

        var table = new SweepTable(axes, rows);
        SweepFolder.WriteAtomically(Path.Combine(output.FullName, SweepFolder.Csv), table.Csv());
        SweepFolder.WriteAtomically(Path.Combine(output.FullName, SweepFolder.Report), SweepReport.Write(output.FullName, plan.Points[0].Settings.Name, table));
        Console.WriteLine($"results  {output.FullName}");
        var conservation = SweepFigures.All.ToList().FindIndex(f => f.Column == SweepFigures.Conservation);
        var unconserved = rows.Where(r => r.Item2[conservation] == 0).Select(r => r.Item1.Number).ToList();
        if (unconserved.Count == 0) return ExitCodes.Ok;
        Console.Error.WriteLine($"dcsim: conservation check failed at point(s) {string.Join(", ", unconserved)}: see their summary.json");
        return ExitCodes.Failed;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"dcsim: {message}");
        return ExitCodes.BadInput;
    }
}
