using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Runs a scenario's partitions on the calling thread with the same window schedule the cluster
/// coordinator uses, without actors: the reference the actor protocol is tested against, and the
/// fast path of unit tests.
/// </summary>
public static class InProcessRun
{
    /// <param name="restoreAt">
    /// Says, for each window barrier (given the simulated time at which the next window starts), whether every partition is
    /// checkpointed there and replaced by the copy restored from its checkpoint, as a run that lost its processes would be: the
    /// results must not change.
    /// </param>
    public static ResultsBuilder Run(IModelFactory model, ScenarioSettings scenario, int partitions = 1, Func<long, bool>? restoreAt = null)
    {
        var layout = model.Layout(scenario, partitions);
        var parts = Enumerable.Range(0, layout.Partitions).Select(i => model.BuildPartition(scenario, layout.Partitions, i)).ToArray();
        foreach (var p in parts)
        {
            p.AttachCaptures(scenario.Capture);
            p.Start();
        }
        var schedule = new WindowSchedule(layout.Lookahead(), scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
        while (schedule.Next(parts.Min(p => p.NextEventTime)) is { } window)
        {
            if (restoreAt?.Invoke(window.Start) == true)
                for (var i = 0; i < parts.Length; i++) parts[i] = PartitionCheckpoint.Restore(PartitionCheckpoint.Save(parts[i]));
            foreach (var p in parts) p.RunUntil(window.End);
            foreach (var from in parts)
            foreach (var to in parts)
            {
                if (!from.HasOutbox(to.Index)) continue;
                to.Deliver(from.TakeOutbox(to.Index));
                to.DeliverParcels(from.TakeParcels(to.Index));
            }
        }
        var results = new ResultsBuilder();
        foreach (var p in parts) results.Merge(p.Report(scenario.DurationPs));
        return results;
    }
}
