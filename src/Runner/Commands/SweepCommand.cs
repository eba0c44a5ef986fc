using System.CommandLine;
using DcSim.Runner.Hosting;
using DcSim.Runner.Sweep;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim sweep SCENARIO --vary KEY=V1,V2,... [--vary ...] [--out DIR] [--seed N] [--resume] [--force] [--nodes N | --join HOST:PORT]`:
/// runs the scenario once per point of the grid of the varied keys (each an ordinary run: in this process one after
/// another, or with --nodes/--join in parallel on a cluster's members), then writes sweep.csv and report.html over all
/// points. Every point is loaded and checked before the first runs.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario HOCON file" };
        var vary = new Option<string[]>("--vary")
        {
            Description = "KEY=V1,V2,...: a scenario key (e.g. topology.host-link.rate, traffic.generators[0].packet-size) and its values; several --vary make a grid, the last varying fastest. "
                + "NAME=LABEL:{KEY=V; KEY=V},...: a named axis setting several keys at each of its values",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for sweep.csv, report.html and points/: new or empty (or an earlier sweep's, with --resume)", DefaultValueFactory = _ => new DirectoryInfo("results/sweep") };
        var seed = new Option<ulong?>("--seed") { Description = "Override the scenario's seed at every point" };
        var resume = new Option<bool>("--resume") { Description = "Continue an earlier sweep in --out: skip points whose results are complete and from the same settings" };
        var force = ScenarioFile.ForceOption();
        var nodes = new Option<int?>("--nodes") { Description = "Run the points in parallel on this process and N-1 `dcsim node` workers on 127.0.0.1, one point per member at a time" };
        var join = new Option<string?>("--join") { Description = "HOST:PORT of a running `dcsim node`: run the points in parallel on that cluster's members and this process" };
        var verbose = new Option<bool>("--verbose") { Description = "With --nodes or --join: print Akka's log (this process and its workers) on stderr instead of a file under the temp folder" };
        var command = new Command("sweep", "Run a scenario over a grid of values of its keys; write each point's results, sweep.csv and report.html")
            { scenario, vary, output, seed, resume, force, nodes, join, verbose };
        // On the thread pool, so that Ctrl-C is seen between points (a point's run is not interruptible; --resume redoes it).
        command.SetAction((parse, cancel) => Task.Run(() => Execute(parse.GetValue(scenario)!, parse.GetValue(vary) ?? [], parse.GetValue(output)!,
            parse.GetValue(seed), parse.GetValue(resume), parse.GetValue(force), parse.GetValue(nodes), parse.GetValue(join), parse.GetValue(verbose), cancel),
            CancellationToken.None));
        return command;
    }

    private static async Task<int> Execute(FileInfo file, string[] varies, DirectoryInfo output, ulong? seed, bool resume, bool force,
        int? nodes, string? join, bool verbose, CancellationToken cancel)
    {
        if (nodes is < 1) return Usage("--nodes must be at least 1");
        if (nodes is not null && join is not null) return Usage("give --nodes (workers started here) or --join (a running cluster), not both");
        if (join is not null && !HostPort.IsValid(join)) return Usage($"--join expects HOST:PORT, got '{join}'");
        var axes = new List<SweepAxis>();
        foreach (var vary in varies)
        {
            if (SweepAxis.Parse(vary, out var error) is not { } axis) return Usage($"--vary {vary}: {error}");
            if (axes.Any(a => a.Key == axis.Key)) return Usage($"--vary {vary}: {axis.Key} is varied twice; give all its values in one --vary");
            if (axes.FirstOrDefault(a => a.ScenarioKeys.Intersect(axis.ScenarioKeys).Any()) is { } other)
                return Usage($"--vary {vary}: {other.ScenarioKeys.Intersect(axis.ScenarioKeys).First()} is also set by --vary {other.Key}; "
                    + "a key may be set by one axis only (the later setting would win unsaid)");
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
        if (join is not null && JoinAddress.Problem(join) is { } unreachable) return Usage($"--join {join}: {unreachable}");

        var n = plan.Points.Count;
        var grid = new SweepRun(plan.Points, n, output.FullName);
        var todo = new List<PlannedPoint>();
        foreach (var planned in plan.Points)
        {
            if (resume && SweepFolder.IsComplete(grid.Folder(planned.Point), planned.Settings))
                Console.WriteLine($"point {planned.Point.Number}/{n} {planned.Point.Label}: done earlier, kept");
            else
                todo.Add(planned);
        }
        IPointRunner runner = nodes is null && join is null ? new LocalPointRunner() : new ClusterPointRunner(nodes, join, AkkaLog.For("sweep", verbose), verbose);
        var outcome = await runner.RunAsync(grid with { Points = todo }, cancel);
        if (outcome.End == SweepRunEnd.Interrupted)
        {
            Console.Error.WriteLine($"interrupted: {n - todo.Count + outcome.Written} of {n} point(s) are in {output.FullName}; --resume finishes the sweep");
            return ExitCodes.Interrupted;
        }
        if (outcome.End == SweepRunEnd.Failed) return ExitCodes.Failed;

        // From the folders, in grid order: the table does not depend on where or in which order the points ran.
        var rows = plan.Points.Select(p => (p.Point, SweepFigures.Read(File.ReadAllText(Path.Combine(grid.Folder(p.Point), "summary.json"))))).ToList();
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
