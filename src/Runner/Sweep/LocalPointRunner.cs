using System.Diagnostics;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Sweep;

/// <summary>
/// Runs the points in this process, one after another in grid order. Ctrl-C is seen between points (a point's run is not
/// interruptible; --resume redoes it); the first point that fails ends the sweep.
/// </summary>
internal sealed class LocalPointRunner : IPointRunner
{
    /// <summary>One point's run, as `dcsim run` runs it on one node: the scenario's partitions, or one. Cluster members run points with it too.</summary>
    public static ResultsBuilder RunPoint(ScenarioSettings settings) =>
        InProcessRun.Run(ActorsHost.FabricModel.Instance, settings, settings.Kernel.Partitions > 0 ? settings.Kernel.Partitions : 1);

    public Task<SweepRunOutcome> RunAsync(SweepRun run, CancellationToken cancel)
    {
        var written = 0;
        foreach (var point in run.Points)
        {
            if (cancel.IsCancellationRequested) return Task.FromResult(new SweepRunOutcome(SweepRunEnd.Interrupted, written));
            var wall = Stopwatch.StartNew();
            try
            {
                run.Write(point, RunPoint(point.Settings));
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"dcsim: {run.Name(point.Point)} failed: {ex.Message}");
                return Task.FromResult(new SweepRunOutcome(SweepRunEnd.Failed, written));
            }
            Console.WriteLine($"{run.Name(point.Point)}: {wall.Elapsed.TotalSeconds:0.000} s");
            written++;
        }
        return Task.FromResult(new SweepRunOutcome(SweepRunEnd.Completed, written));
    }
}
