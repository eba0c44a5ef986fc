using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using DcSim.SimCore.Cluster;

namespace DcSim.Runner.Persistence;

/// <summary>
/// The persisted record of one experiment (persistence id = the experiment's id): its definition once, its progress one
/// event per <c>progressBatch</c> reports, the moves of its entities, each resume, and its completion. Progress and moves
/// go through <c>PersistAsync</c> so that their senders never wait on the database (a serial <c>Persist</c> per report
/// manages only hundreds a second); the definition, a resume and the completion are acknowledged only once written, so a
/// caller knows what a restart will find.
/// </summary>
/// <remarks>
/// Lifecycle: <c>empty --BeginExperiment--> defined --FinishExperiment--> completed</c>, with
/// <c>defined --ResumeExperiment--> defined</c> after a stop. A second definition, and a resume of nothing or of a
/// completed run, are refused with <see cref="Status.Failure"/>.
/// </remarks>
public sealed class ExperimentJournal : ReceivePersistentActor
{
    /// <summary>The name of the journal actor of a run, under /user of the process that runs it.</summary>
    public const string Name = "experiment-journal";

    private readonly int _progressBatch;
    private readonly List<EntityMoved> _moves = [];
    private ExperimentDefinition? _definition;
    private JournalProgress _progress;
    private bool _completed;
    private int _resumes;
    private int _unwritten;
    private RecoveryPoint _checkpoint = RecoveryPoint.Start;
    private readonly bool _new;

    /// <param name="isNew">
    /// The id is a new experiment's (<see cref="RunJournal.NewExperimentId"/>): there is nothing to recover, so no snapshot is looked for.
    /// </param>
    public ExperimentJournal(string experimentId, int progressBatch, bool isNew = false)
    {
        _new = isNew;
        if (progressBatch < 1) throw new ArgumentOutOfRangeException(nameof(progressBatch), progressBatch, "a journal writes at least every report");
        PersistenceId = experimentId;
        _progressBatch = progressBatch;

        Recover<ExperimentDefined>(e => _definition = e.Definition);
        Recover<ProgressRecorded>(e => _progress = e.Progress);
        Recover<EntityMoved>(_moves.Add);
        Recover<ExperimentResumed>(Apply);
        Recover<ExperimentFinished>(e => (_progress, _completed, _checkpoint) = (e.Final, true, RecoveryPoint.Start));
        Recover<CheckpointMarked>(_ => { });   // its checkpoint is in the snapshot that follows, or was never saved
        Recover<SnapshotOffer>(o => Apply((JournalSnapshot)o.Snapshot));

        Command<BeginExperiment>(Begin);
        Command<ResumeExperiment>(Resume);
        Command<ReportProgress>(Report);
        Command<RecordMove>(m => PersistAsync(new EntityMoved(m.Entity, m.Server, m.VirtualTime), _moves.Add));
        Command<FinishExperiment>(Finish);
        Command<RecordCheckpoint>(Checkpoint);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => Context.GetLogger().Error(f.Cause, "the journal could not save a checkpoint: --resume continues from an earlier one"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => Context.GetLogger().Warning("the journal could not delete older checkpoints: {0}", f.Cause.Message));
        Command<QueryExperiment>(_ =>
        {
            var asker = Sender;
            DeferAsync(QueryExperiment.Instance, _ => asker.Tell(new ExperimentRecord(PersistenceId, _definition, _progress, _completed, [.. _moves], _resumes, _checkpoint)));
        });
    }

    public override string PersistenceId { get; }

    /// <summary>
    /// A new experiment only reads its highest sequence number (0), not the snapshot store: one linq2db query fewer to compile and run
    /// beside the run's start (25-125 fewer methods JIT-compiled in a one-process run; its CPU is within the noise: docs/benchmarks.md).
    /// </summary>
    public override Recovery Recovery => _new ? Recovery.None : base.Recovery;

    public static Props Props(string experimentId, int progressBatch, bool isNew = false) =>
        Akka.Actor.Props.Create(() => new ExperimentJournal(experimentId, progressBatch, isNew));

    private void Begin(BeginExperiment begin)
    {
        if (_definition is not null)
        {
            Sender.Tell(new Status.Failure(new InvalidOperationException($"experiment '{PersistenceId}' already has a definition ({_definition.Name}, seed {_definition.Seed})")));
            return;
        }
        Persist(new ExperimentDefined(begin.Definition), e =>
        {
            _definition = e.Definition;
            Sender.Tell(new Recorded(PersistenceId));
        });
    }

    private void Resume(ResumeExperiment resume)
    {
        var refusal = _definition is null ? $"experiment '{PersistenceId}' has no definition to resume"
            : _completed ? $"experiment '{PersistenceId}' completed: there is nothing to resume"
            : null;
        if (refusal is not null)
        {
            Sender.Tell(new Status.Failure(new InvalidOperationException(refusal)));
            return;
        }
        Persist(new ExperimentResumed(resume.From), e =>
        {
            Apply(e);
            Sender.Tell(new Recorded(PersistenceId));
        });
    }

    /// <summary>The run goes on from the cut: progress written later starts there again.</summary>
    private void Apply(ExperimentResumed e)
    {
        _progress = e.From;
        _resumes++;
        _unwritten = 0;
    }

    private void Report(ReportProgress report)
    {
        if (++_unwritten < _progressBatch) return;
        _unwritten = 0;
        PersistAsync(new ProgressRecorded(report.Progress), e => _progress = e.Progress);
    }

    /// <summary>
    /// A small event first, so that the snapshot gets a sequence number of its own (two checkpoints without progress between them
    /// would otherwise share one), then the snapshot; the older snapshots go once it is saved.
    /// </summary>
    private void Checkpoint(RecordCheckpoint record)
    {
        if (_definition is null || _completed) return;
        PersistAsync(new CheckpointMarked(record.Point.Window, record.Point.SimulatedTime), _ =>
        {
            _checkpoint = record.Point;
            SaveSnapshot(new JournalSnapshot(_definition, _progress, _completed, [.. _moves], _resumes, _checkpoint));
        });
    }

    private void Apply(JournalSnapshot s)
    {
        (_definition, _progress, _completed, _resumes, _checkpoint) = (s.Definition, s.Progress, s.Completed, s.Resumes, s.Checkpoint);
        _moves.Clear();
        _moves.AddRange(s.Moves);
    }

    private void Finish(FinishExperiment finish)
    {
        _unwritten = 0;
        Persist(new ExperimentFinished(finish.Final), e =>
        {
            (_progress, _completed) = (e.Final, true);
            // A completed run is never resumed: its checkpoint would only take room in the database.
            if (!_checkpoint.IsStart) DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
            _checkpoint = RecoveryPoint.Start;
            Sender.Tell(new Recorded(PersistenceId));
        });
    }
}
