using DcSim.Runner.Persistence;

namespace DcSim.Runner.Hosting;

/// <summary>
/// A run's journal while it opens in the background: the run does not wait for it (its first contact costs seconds of JIT), so
/// what the run tells the journal meanwhile (progress, checkpoints) is kept, in order, and told once it has opened. A journal that
/// fails to open drops it: the run fails for that (<see cref="Experiment"/>).
/// </summary>
internal sealed class JournalFeed
{
    private readonly Lock _lock = new();
    private readonly List<Action<RunJournal>> _waiting = [];
    private RunJournal? _journal;

    public JournalFeed(Task<RunJournal> opening) =>
        opening.ContinueWith(t => Open(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>Tells the journal <paramref name="message"/> (a <c>Tell</c>: nobody waits), at once or as soon as it has opened.</summary>
    public void Tell(Action<RunJournal> message)
    {
        lock (_lock)
        {
            if (_journal is null) _waiting.Add(message);
            else message(_journal);
        }
    }

    private void Open(RunJournal journal)
    {
        lock (_lock)
        {
            foreach (var message in _waiting) message(journal);
            _waiting.Clear();
            _journal = journal;
        }
    }
}
