using Microsoft.Data.Sqlite;
using DcSim.Runner.Hosting;

namespace DcSim.Runner.Persistence;

/// <summary>
/// Records a throwaway experiment in a SQLite journal held in memory, on a thread-pool thread, while a run loads its scenario: a
/// journal's first write in a fresh process is seconds of JIT (Akka.Persistence, Akka.Streams, linq2db: ~5,000 methods, see
/// docs/benchmarks.md, "Issue 14: fast start, the journal"), and the run's own journal can be opened only once the scenario is
/// loaded and checked (the scenario may name another journal, and a refused run writes nothing in its folder). The run's journal
/// then finds that code compiled. Nothing of it reaches the run: another ActorSystem, a database no file holds. Its failure
/// costs only the time it was to save.
/// </summary>
internal static class JournalWarmUp
{
    public static void Start(AkkaLog log) => Task.Run(() => WarmUpAsync(log)).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);

    private static async Task WarmUpAsync(AkkaLog log)
    {
        // A shared in-memory database lives while a connection to it is open: this one keeps it for the journal's own.
        var connection = new SqliteConnectionStringBuilder { DataSource = $"dcsim-warm-up-{Guid.NewGuid():N}", Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }.ToString();
        await using var keeper = new SqliteConnection(connection);
        keeper.Open();
        var settings = JournalSettings.Sqlite(":memory:", PersistenceSettings.Defaults.ProgressBatch);
        await using var journal = RunJournal.Open(settings, JournalConfig.Sqlite(connection), "warm-up", log);
        await journal.BeginAsync(new ExperimentDefinition("warm-up", 0, "", [], [], Path.GetTempPath()));
    }
}
