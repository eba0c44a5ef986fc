using DcSim.SimCore.Cluster;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Persistence;

/// <summary>
/// A run's journal while its definition is being written: the run simulates meanwhile (docs/kernel.md, "One process: no cluster"),
/// and nothing it would record reaches the journal before the definition is durable. Checkpoints taken until then wait here and
/// are recorded in order once it is; progress is only ever the latest, so a report from before that is dropped (the next one, or
/// the run's end, says more). Callbacks from any thread.
/// </summary>
internal sealed class OpeningJournal
{
    private readonly List<RecoveryPoint> _waiting = [];
    private RunJournal? _open;

    public OpeningJournal(Task<RunJournal> opening) => Opening = OpenAsync(opening);

    /// <summary>
    /// Completes once the run's definition is durable and the checkpoints that waited for it are sent, so that the run's completion
    /// follows them; faults if the definition could not be written.
    /// </summary>
    public Task<RunJournal> Opening { get; }

    public void Report(RunProgress progress)
    {
        lock (_waiting) _open?.Report(progress);
    }

    public void RecordCheckpoint(RecoveryPoint point)
    {
        lock (_waiting)
        {
            if (_open is null) _waiting.Add(point);
            else _open.RecordCheckpoint(point);
        }
    }

    private async Task<RunJournal> OpenAsync(Task<RunJournal> opening)
    {
        var journal = await opening;
        lock (_waiting)
        {
            foreach (var point in _waiting) journal.RecordCheckpoint(point);
            _waiting.Clear();
            _open = journal;
        }
        return journal;
    }
}
