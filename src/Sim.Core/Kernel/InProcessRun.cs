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
    /// <param name="directives">
    /// Applied as the coordinator applies a client's (<see cref="Partition.Apply"/>), the run held at each one's time (windows are cut
    /// there), in the order given among those at one time; what each partition's LP did with it goes to <paramref name="applied"/>
    /// (null: no LP took it).
    /// </param>
    public static ResultsBuilder Run(IModelFactory model, ScenarioSettings scenario, int partitions = 1, Func<long, bool>? restoreAt = null,
        IReadOnlyList<Directive>? directives = null, Action<Directive, DirectiveResult?>? applied = null)
    {
        var layout = model.Layout(scenario, partitions);
        var parts = Enumerable.Range(0, layout.Partitions).Select(i => model.BuildPartition(scenario, layout.Partitions, i)).ToArray();
        foreach (var p in parts)
        {
            p.AttachCaptures(scenario.Capture);
            p.Start();
        }
        var schedule = new WindowSchedule(layout.Lookahead(), scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
        var pending = new Queue<Directive>((directives ?? []).Where(d => d.Time < scenario.DurationPs).OrderBy(d => d.Time));
        while (true)
        {
            var earliest = parts.Min(p => p.NextEventTime);
            if (pending.TryPeek(out var directive) && earliest >= directive.Time)
            {
                pending.Dequeue();
                var result = parts.Select(p => p.Apply(directive)).ToList().SingleOrDefault(r => r is not null);
                applied?.Invoke(directive, result);
                continue;
            }
            if (schedule.Next(earliest, pending.Count > 0 ? directive!.Time : long.MaxValue) is not { } window) break;
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
