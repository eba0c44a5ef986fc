using Npgsql;

namespace DcSim.Runner.Persistence;

/// <summary>
/// Where a run's journal goes, as a user names it (the scenario's <c>persistence.journal</c> or <c>--journal</c>):
/// <c>sqlite</c>, the file <see cref="FileName"/> in the run's output folder; <c>off</c>, none; or a PostgreSQL database, as a URL
/// <c>postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE[?KEYWORD=VALUE&amp;...]</c> or an Npgsql connection string
/// (<c>Host=...;Database=...</c>, the form CI and the tests use).
/// </summary>
public static class JournalTarget
{
    public const string Sqlite = "sqlite";
    public const string Off = "off";
    public const string FileName = "journal.db";

    /// <summary>The journal file and those SQLite keeps beside it (WAL and shared memory; the rollback journal of other modes).</summary>
    public static IEnumerable<string> SqliteFiles(string path) => [path, path + "-wal", path + "-shm", path + "-journal"];

    /// <summary>The names of the journal files a run may leave in its results folder: the SQLite journal, or the pointer to a database's.</summary>
    public static IEnumerable<string> FolderFileNames => [.. SqliteFiles(FileName), JournalPointer.FileName];

    /// <summary>Removes the journal files of a results folder; pooled SQLite connections are closed first.</summary>
    public static void DeleteFromFolder(string directory)
    {
        if (!Directory.Exists(directory)) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var name in FolderFileNames) File.Delete(Path.Combine(directory, name));
    }

    public const string Expected =
        "expected 'sqlite', 'off', a URL postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE or a PostgreSQL connection string Host=...;Database=...";

    /// <summary>The journal <paramref name="target"/> names for a run writing to <paramref name="outputDirectory"/>; null for <c>off</c>.</summary>
    /// <exception cref="JournalUnavailableException">The text is none of the accepted forms (the message says which they are).</exception>
    public static JournalSettings? Resolve(string target, string outputDirectory, int progressBatch)
    {
        var text = target.Trim();
        if (string.Equals(text, Off, StringComparison.OrdinalIgnoreCase)) return null;
        if (string.Equals(text, Sqlite, StringComparison.OrdinalIgnoreCase))
            return JournalSettings.Sqlite(Path.Combine(Path.GetFullPath(outputDirectory), FileName), progressBatch);
        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            return JournalSettings.Postgres(FromUrl(text), progressBatch);
        if (text.Contains('=', StringComparison.Ordinal))
            return JournalSettings.Postgres(text, progressBatch);
        throw new JournalUnavailableException($"'{text}': {Expected}");
    }

    /// <summary>The Npgsql connection string of a libpq-style URL; percent-escapes in the user and password are decoded.</summary>
    private static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new JournalUnavailableException($"'{Redact(url)}' is not a URL postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0)
            throw new JournalUnavailableException($"'{Redact(url)}' names no database (postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE)");
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Database = database };
        if (uri.Port > 0) builder.Port = uri.Port;
        if (user[0].Length > 0) builder.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) builder.Password = Uri.UnescapeDataString(user[1]);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (k, v) : (pair, "");
            try
            {
                builder[Uri.UnescapeDataString(key)] = Uri.UnescapeDataString(value);
            }
            catch (ArgumentException ex)
            {
                throw new JournalUnavailableException($"'{Redact(url)}': {ex.Message}", ex);
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>A URL without its password, for messages.</summary>
    private static string Redact(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var colon = at < 0 ? -1 : url.IndexOf(':', scheme, at - scheme);
        return colon < 0 ? url : url[..colon] + url[at..];
    }
}
