using DcSim.SimCore.Cluster;

namespace DcSim.Runner.Persistence;

/// <summary>How far a run got: the virtual time reached, the windows granted and the events processed by then.</summary>
public readonly record struct JournalProgress(long SimulatedTime, long Windows, long EventsProcessed);

/// <summary>Record the experiment's definition; answered by <see cref="Recorded"/> once it is durable.</summary>
public sealed record BeginExperiment(ExperimentDefinition Definition);

/// <summary>
/// A stopped run starts again from the cut <paramref name="From"/> (today always the start: there are no checkpoints yet);
/// answered by <see cref="Recorded"/> once durable, or by a failure when nothing is defined or the run completed.
/// </summary>
public sealed record ResumeExperiment(JournalProgress From);

/// <summary>The run reached <paramref name="Progress"/>; not answered, and written only one report in N (the journal's batch).</summary>
public sealed record ReportProgress(JournalProgress Progress);

/// <summary>
/// The VM or container with endpoint id <paramref name="Entity"/> (hosts + its index in the definition's placement) now
/// runs on server <paramref name="Server"/>, from virtual time <paramref name="VirtualTime"/> (ps). Not answered; written
/// without holding the sender (<c>PersistAsync</c>): moves are lifecycle events, a handful per run.
/// </summary>
public sealed record RecordMove(int Entity, int Server, long VirtualTime);

/// <summary>
/// Every partition's checkpoint at a window barrier (the latest cut <c>--resume</c> continues from). Not answered: the journal
/// marks it with a small event and saves it as its snapshot, then deletes the snapshots before it, so one checkpoint is kept.
/// </summary>
public sealed record RecordCheckpoint(RecoveryPoint Point);

/// <summary>The run ended at <paramref name="Final"/>; answered by <see cref="Recorded"/> once it is durable.</summary>
public sealed record FinishExperiment(JournalProgress Final);

/// <summary>What the journal holds; answered by <see cref="ExperimentRecord"/> after every write asked for before it is done.</summary>
public sealed record QueryExperiment
{
    public static QueryExperiment Instance { get; } = new();
    private QueryExperiment() { }
}

public sealed record Recorded(string ExperimentId);

/// <summary>
/// The experiment as recorded: its definition (null when none was recorded), the last progress written, whether it
/// completed, the entities that moved since the definition (in the order they moved), how many times it was resumed, and its
/// latest checkpoint (<see cref="RecoveryPoint.Start"/> when none was taken).
/// </summary>
public sealed record ExperimentRecord(string ExperimentId, ExperimentDefinition? Definition, JournalProgress Progress, bool Completed,
    IReadOnlyList<EntityMoved> Moves, int Resumes, RecoveryPoint Checkpoint);

/// <summary>An event the journal persists; bound to <see cref="JournalSerializer"/>, never to Akka's JSON default.</summary>
public interface IJournalEvent;

public sealed record ExperimentDefined(ExperimentDefinition Definition) : IJournalEvent;

public sealed record ProgressRecorded(JournalProgress Progress) : IJournalEvent;

public sealed record EntityMoved(int Entity, int Server, long VirtualTime) : IJournalEvent;

public sealed record ExperimentResumed(JournalProgress From) : IJournalEvent;

public sealed record ExperimentFinished(JournalProgress Final) : IJournalEvent;

/// <summary>A checkpoint was taken at <paramref name="SimulatedTime"/> (before window <paramref name="Window"/> + 1); its bytes go to the snapshot.</summary>
public sealed record CheckpointMarked(long Window, long SimulatedTime) : IJournalEvent;

/// <summary>The journal's whole state with the latest checkpoint: its snapshot (replaces every event before it on recovery).</summary>
public sealed record JournalSnapshot(ExperimentDefinition? Definition, JournalProgress Progress, bool Completed, EntityMoved[] Moves, int Resumes,
    RecoveryPoint Checkpoint) : IJournalEvent;
