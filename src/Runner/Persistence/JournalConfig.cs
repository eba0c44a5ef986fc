using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DcSim.Runner.Persistence;

public enum JournalStore { Sqlite, Postgres }

/// <summary>
/// Where an experiment journal lives: a SQLite file (one process writes it) or a PostgreSQL database (several cluster
/// members may), and how many progress reports make one progress event.
/// </summary>
public sealed record JournalSettings(JournalStore Store, string Target, int ProgressBatch)
{
    public static JournalSettings Sqlite(string path, int progressBatch) => new(JournalStore.Sqlite, path, progressBatch);

    public static JournalSettings Postgres(string connectionString, int progressBatch) => new(JournalStore.Postgres, connectionString, progressBatch);

    /// <summary>Where the journal is, for messages: the file, or postgresql://USER@HOST:PORT/DATABASE (never the password).</summary>
    public string Display
    {
        get
        {
            if (Store == JournalStore.Sqlite) return Path.GetFullPath(Target);
            try
            {
                return Describe(new NpgsqlConnectionStringBuilder(Target));
            }
            catch (ArgumentException)
            {
                return "postgresql (a connection string Npgsql cannot read)";
            }
        }
    }

    internal static string Describe(NpgsqlConnectionStringBuilder b) => $"postgresql://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
}

/// <summary>A journal that cannot be opened: the message names the store and says why.</summary>
public sealed class JournalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The Akka.Persistence.Sql HOCON of a <see cref="JournalSettings"/>, with the journal's event serializer bound.</summary>
public static class JournalConfig
{
    /// <summary>
    /// The configuration of <paramref name="settings"/>. A SQLite file is opened first, here: that puts it in WAL mode
    /// (kept in the file; serial writes are about 4x faster) and turns a path that cannot be a database into a
    /// <see cref="JournalUnavailableException"/> now, instead of a journal actor that fails its recovery later.
    /// </summary>
    public static Config Build(JournalSettings settings) =>
        settings.Store == JournalStore.Sqlite ? Sqlite(PrepareSqlite(settings.Target)) : Store(CheckPostgres(settings.Target), "PostgreSQL.15");

    /// <summary>The configuration of a SQLite journal at <paramref name="connection"/>, as it is (no WAL mode set, nothing checked).</summary>
    internal static Config Sqlite(string connection) => Store(connection, "SQLite.MS");

    private static Config Store(string connection, string provider)
    {
        var c = Quote(connection);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{c}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                connection-string = {{c}}
                provider-name = "{{provider}}"
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{c}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                }
              }
            }
            akka.actor {
              serializers.dcsim-journal = "{{typeof(JournalSerializer).AssemblyQualifiedName}}"
              serialization-bindings { "{{typeof(IJournalEvent).AssemblyQualifiedName}}" = dcsim-journal }
            }
            """);
    }

    /// <summary>Creates the file if needed, sets WAL mode, and gives the connection string Akka is to use.</summary>
    private static string PrepareSqlite(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new JournalUnavailableException($"journal {full}: directory {directory} does not exist");
        var connection = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        try
        {
            using var db = new SqliteConnection(connection);
            db.Open();
            using var wal = db.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new JournalUnavailableException($"journal {full}: SQLite refused WAL mode (journal mode is {mode})");
        }
        catch (SqliteException ex)
        {
            throw new JournalUnavailableException($"journal {full}: not a usable SQLite database: {ex.Message}", ex);
        }
        return connection;
    }

    /// <summary>
    /// Connects once, so that a server that is down or refuses the login is a <see cref="JournalUnavailableException"/>
    /// naming the server (never the password) now, not a journal actor whose recovery fails after Akka's timeouts.
    /// </summary>
    private static string CheckPostgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder target;
        try
        {
            target = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new JournalUnavailableException($"journal: not a PostgreSQL connection string: {ex.Message}", ex);
        }
        try
        {
            using var db = new NpgsqlConnection(connectionString);
            db.Open();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new JournalUnavailableException($"journal {JournalSettings.Describe(target)}: cannot connect: {ex.Message}", ex);
        }
        return connectionString;
    }

    /// <summary>A HOCON quoted string: connection strings hold '=' and ';', and a path may hold anything.</summary>
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
