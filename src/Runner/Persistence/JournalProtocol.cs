namespace DcSim.Runner.Persistence;

/// <summary>How far a run got: the virtual time reached, the windows granted and the events processed by then.</summary>
public readonly record struct JournalProgress(long SimulatedTime, long Windows, long EventsProcessed);

/// <summary>Record the experiment's definition; answered by <see cref="Recorded"/> once it is durable.</summary>
public sealed record BeginExperiment(ExperimentDefinition Definition);

/// <summary>The run reached <paramref name="Progress"/>; not answered, and written only one report in N (the journal's batch).</summary>
public sealed record ReportProgress(JournalProgress Progress);

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
/// The experiment as recorded: its definition (null when none was recorded), the last progress written and whether it
/// completed.
/// </summary>
public sealed record ExperimentRecord(string ExperimentId, ExperimentDefinition? Definition, JournalProgress Progress, bool Completed);

/// <summary>An event the journal persists; bound to <see cref="JournalSerializer"/>, never to Akka's JSON default.</summary>
public interface IJournalEvent;

public sealed record ExperimentDefined(ExperimentDefinition Definition) : IJournalEvent;

public sealed record ProgressRecorded(JournalProgress Progress) : IJournalEvent;

public sealed record ExperimentFinished(JournalProgress Final) : IJournalEvent;
