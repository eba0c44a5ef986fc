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
        var parts = Enumerable.Range(0, layout.Partitions).Select(i => model.BuildPartition(scenario, layout.Partitions, layout.PartitionOfLp, i)).ToArray();
        foreach (var p in parts)
        {
            p.AttachCaptures(scenario.Capture);
            p.Start();
        }
        var schedule = WindowSchedule.Of(layout, scenario.DurationPs, scenario.Kernel.ProgressIntervalPs);
        var pending = new Queue<Directive>((directives ?? []).Where(d => d.Time < scenario.DurationPs).OrderBy(d => d.Time));
        // Each partition's window end, the one before it its position: every partition starts at 0, all its events held.
        var ends = new long[parts.Length];
        var earliest = new long[parts.Length];
        // Every sent event is delivered before the ends are cut: each counts where it is, none as sent.
        var sent = Enumerable.Repeat(long.MaxValue, parts.Length).ToArray();
        foreach (var p in parts) p.RunWithin(ends);
        while (true)
        {
            for (var i = 0; i < parts.Length; i++) earliest[i] = parts[i].NextEventTime;
            var due = pending.TryPeek(out var directive);
            // A directive is applied where the partitions stand at one time with every event before it handled: they park there first.
            if (!schedule.Ends(ends, earliest, sent, due ? directive!.Time : long.MaxValue, due && earliest.Min() >= directive!.Time, ends))
            {
                if (!due || earliest.Min() < directive!.Time) break;
                pending.Dequeue();
                var result = parts.Select(p => p.Apply(directive)).ToList().SingleOrDefault(r => r is not null);
                applied?.Invoke(directive, result);
                Array.Fill(ends, directive.Time);
                continue;
            }
            if (restoreAt?.Invoke(earliest.Min()) == true)
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = PartitionCheckpoint.Restore(PartitionCheckpoint.Save(parts[i]));
                    parts[i].RunWithin(ends);
                }
            foreach (var p in parts) p.RunUntil(ends[p.Index]);
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
