using DcSim.SimCore.Cluster;

namespace DcSim.Runner.Persistence;

/// <summary>
/// Where a stopped run starts again: the latest consistent cut its journal holds — its last checkpoint (every partition's state
/// at a window barrier, docs/recovery.md), or the start (virtual time 0) when none was taken, where the partitions are built from
/// the recorded definition. Either way the simulation is deterministic, so the result files are byte-identical to an undisturbed
/// run's.
/// </summary>
public static class ResumePoint
{
    /// <summary>The cut a run recorded in <paramref name="record"/> resumes from.</summary>
    public static RecoveryPoint Of(ExperimentRecord record) =>
        record.Definition is null ? throw new ArgumentException("no definition to resume", nameof(record)) : record.Checkpoint;

    /// <summary>The progress the journal records for a run that goes on from <paramref name="point"/>.</summary>
    public static JournalProgress Progress(RecoveryPoint point) => new(point.SimulatedTime, point.Window + 1, 0);
}
