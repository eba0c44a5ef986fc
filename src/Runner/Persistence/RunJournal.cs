using Akka.Actor;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using DcSim.Runner.Hosting;
using DcSim.SimCore.Cluster;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Persistence;

/// <summary>
/// The journal of one run, in an ActorSystem of its own (local, no remoting). It is opened on a background thread while
/// the cluster starts, since first contact costs 2-3 s in a fresh process (JIT, Akka.Persistence and linq2db start-up);
/// it outlives the run's cluster member, so that the completion is written after the result files; and the run's
/// progress reaches it by <c>Tell</c>, so neither the command line nor an actor ever waits on the database.
/// </summary>
internal sealed class RunJournal : IAsyncDisposable
{
    /// <summary>How long a write that is acknowledged (definition, resume, completion) may take.</summary>
    public static readonly TimeSpan WriteLimit = TimeSpan.FromSeconds(60);

    private readonly ActorSystem _system;
    private readonly IActorRef _journal;

    private RunJournal(JournalSettings settings, ActorSystem system, string experimentId, bool isNew = false)
    {
        Settings = settings;
        ExperimentId = experimentId;
        _system = system;
        _journal = system.ActorOf(ExperimentJournal.Props(experimentId, settings.ProgressBatch, isNew), ExperimentJournal.Name);
    }

    public JournalSettings Settings { get; }
    public string ExperimentId { get; }

    /// <summary>An id no other run has: the scenario's name, the start time (UTC) and a random suffix.</summary>
    public static string NewExperimentId(string scenarioName) =>
        // The time formatted apart: interpolated, it goes through a generic AppendFormatted<DateTime>, which is JIT-compiled.
        $"{scenarioName}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Starts the journal of experiment <paramref name="experimentId"/>, a new one (<see cref="NewExperimentId"/>: nothing to recover), in
    /// <paramref name="store"/> (from <see cref="JournalConfig.Build"/>).
    /// </summary>
    public static RunJournal OpenNew(JournalSettings settings, Config store, string experimentId, AkkaLog log) =>
        new(settings, CreateSystem(store, log), experimentId, isNew: true);

    /// <summary>
    /// Opens the journal of the run whose results folder is <paramref name="directory"/> (never creating one): its SQLite
    /// file, or, given the <paramref name="database"/> it was journaled in, the experiment the folder's pointer names.
    /// </summary>
    /// <exception cref="JournalUnavailableException">The folder holds no journal (or pointer), or one that is not one run's.</exception>
    public static RunJournal OpenFolder(string directory, AkkaLog log, JournalSettings? database = null)
    {
        var pointer = JournalPointer.Read(directory);
        if (database is { Store: JournalStore.Postgres })
        {
            var id = pointer?.ExperimentId ?? throw new JournalUnavailableException($"holds no {JournalPointer.FileName} (the id of its experiment in a database)");
            var store = JournalConfig.Build(database);
            return new RunJournal(database, CreateSystem(store, log), id);
        }
        var path = Path.Combine(directory, JournalTarget.FileName);
        if (!File.Exists(path))
            throw new JournalUnavailableException(pointer is null ? $"holds no {JournalTarget.FileName}" : $"its journal is in {pointer.Display}: give it with --journal CONNECTION");
        var settings = JournalSettings.Sqlite(path, PersistenceSettings.Defaults.ProgressBatch);
        var sqlite = JournalConfig.Build(settings);
        try
        {
            return OpenOnly(settings, sqlite, log);
        }
        catch (SqliteException ex)
        {
            throw new JournalUnavailableException($"journal {settings.Display}: not a journal: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Opens the one experiment a SQLite journal holds (the journal in a run's folder holds its run alone). The ids are read
    /// from Akka.Persistence.Sql's <c>journal</c> table directly: its read journal would do the same after a synchronous
    /// 5 s handshake with the write journal, which a loaded machine fails.
    /// </summary>
    /// <exception cref="JournalUnavailableException">The store holds no experiment, or several.</exception>
    private static RunJournal OpenOnly(JournalSettings settings, Config store, AkkaLog log)
    {
        var ids = ExperimentIds(settings.Target);
        return ids.Count switch
        {
            1 => new RunJournal(settings, CreateSystem(store, log), ids[0]),
            0 => throw new JournalUnavailableException($"journal {settings.Display}: holds no experiment"),
            _ => throw new JournalUnavailableException($"journal {settings.Display}: holds {ids.Count} experiments ({string.Join(", ", ids)}), not one run's"),
        };
    }

    /// <summary>The persistence ids of a SQLite journal, in order; none when it has no table yet.</summary>
    private static List<string> ExperimentIds(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite }.ToString());
        db.Open();
        using var exists = db.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        if ((long)exists.ExecuteScalar()! == 0) return [];
        using var query = db.CreateCommand();
        query.CommandText = "SELECT DISTINCT persistence_id FROM journal ORDER BY persistence_id";
        using var reader = query.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    public Task BeginAsync(ExperimentDefinition definition) => _journal.Ask<Recorded>(new BeginExperiment(definition), WriteLimit);

    public Task ResumeAsync(JournalProgress from) => _journal.Ask<Recorded>(new ResumeExperiment(from), WriteLimit);

    public Task<ExperimentRecord> QueryAsync() => _journal.Ask<ExperimentRecord>(QueryExperiment.Instance, WriteLimit);

    /// <summary>A progress report of the coordinator; the journal writes one in its batch, without anyone waiting.</summary>
    public void Report(RunProgress p) => _journal.Tell(new ReportProgress(new JournalProgress(p.SimulatedTime, p.Windows, p.EventsProcessed)));

    /// <summary>A VM that migrated: it runs on <paramref name="server"/> from <paramref name="virtualTime"/> (its placement from then on).</summary>
    public void RecordMove(int entity, int server, long virtualTime) => _journal.Tell(new RecordMove(entity, server, virtualTime));

    /// <summary>A checkpoint of every partition: the journal keeps the latest, for `--resume`, without anyone waiting.</summary>
    public void RecordCheckpoint(RecoveryPoint point) => _journal.Tell(new RecordCheckpoint(point));

    public Task FinishAsync(JournalProgress final) => _journal.Ask<Recorded>(new FinishExperiment(final), WriteLimit);

    public async ValueTask DisposeAsync() => await _system.Terminate();

    private static ActorSystem CreateSystem(Config store, AkkaLog log) => ActorSystem.Create("dcsim-journal", ClusterConfig.Local(log).WithFallback(store));
}
