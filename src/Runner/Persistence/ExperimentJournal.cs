using Akka.Actor;
using Akka.Persistence;

namespace DcSim.Runner.Persistence;

/// <summary>
/// The persisted record of one experiment (persistence id = the experiment's id): its definition once, its progress one
/// event per <c>progressBatch</c> reports, and its completion. Progress goes through <c>PersistAsync</c> so that reports
/// never wait on the database (a serial <c>Persist</c> per report manages only hundreds a second); the definition and
/// the completion are acknowledged only once written, so a caller knows what a restart will find.
/// </summary>
public sealed class ExperimentJournal : ReceivePersistentActor
{
    private readonly int _progressBatch;
    private ExperimentDefinition? _definition;
    private JournalProgress _progress;
    private bool _completed;
    private int _unwritten;

    public ExperimentJournal(string experimentId, int progressBatch)
    {
        if (progressBatch < 1) throw new ArgumentOutOfRangeException(nameof(progressBatch), progressBatch, "a journal writes at least every report");
        PersistenceId = experimentId;
        _progressBatch = progressBatch;

        Recover<ExperimentDefined>(e => _definition = e.Definition);
        Recover<ProgressRecorded>(e => _progress = e.Progress);
        Recover<ExperimentFinished>(e => (_progress, _completed) = (e.Final, true));

        Command<BeginExperiment>(Begin);
        Command<ReportProgress>(Report);
        Command<FinishExperiment>(Finish);
        Command<QueryExperiment>(_ =>
        {
            var asker = Sender;
            DeferAsync(QueryExperiment.Instance, _ => asker.Tell(new ExperimentRecord(PersistenceId, _definition, _progress, _completed)));
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string experimentId, int progressBatch) => Akka.Actor.Props.Create(() => new ExperimentJournal(experimentId, progressBatch));

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

    private void Report(ReportProgress report)
    {
        if (++_unwritten < _progressBatch) return;
        _unwritten = 0;
        PersistAsync(new ProgressRecorded(report.Progress), e => _progress = e.Progress);
    }

    private void Finish(FinishExperiment finish)
    {
        _unwritten = 0;
        Persist(new ExperimentFinished(finish.Final), e =>
        {
            (_progress, _completed) = (e.Final, true);
            Sender.Tell(new Recorded(PersistenceId));
        });
    }
}
