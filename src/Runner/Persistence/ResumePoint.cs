namespace DcSim.Runner.Persistence;

/// <summary>
/// Where a stopped run starts again: the latest consistent cut its journal holds. Checkpoints of the model's state do not
/// exist yet, so the only cut is the start (virtual time 0): a resumed run builds its partitions from the recorded
/// definition and runs the whole run again, which, the simulation being deterministic, gives result files byte-identical
/// to an undisturbed run's. When checkpoints are taken at window barriers, this is where the latest one is chosen (it
/// will be in the <see cref="ExperimentRecord"/>), and the run restores it instead of building from the scenario.
/// </summary>
public static class ResumePoint
{
    /// <summary>The cut before the first window.</summary>
    public static readonly JournalProgress Start = default;

    /// <summary>The cut a run recorded in <paramref name="record"/> resumes from.</summary>
    public static JournalProgress Of(ExperimentRecord record) => record.Definition is null ? throw new ArgumentException("no definition to resume", nameof(record)) : Start;
}
