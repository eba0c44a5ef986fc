using DcSim.Runner.Persistence;
using Npgsql;
using Xunit;

namespace DcSim.Runner.Tests.Persistence;

public sealed class JournalTargetSpec
{
    [Fact]
    public void Resolve_must_put_a_sqlite_journal_in_the_output_folder()
    {
        // act
        var settings = JournalTarget.Resolve("SQLite", "out/run1", 10);

        // assert
        Assert.Equal(JournalSettings.Sqlite(Path.Combine(Path.GetFullPath("out/run1"), "journal.db"), 10), settings);
    }

    [Fact]
    public void Resolve_must_turn_a_postgresql_url_into_a_connection_string_with_decoded_user_password_and_keywords()
    {
        // act
        var settings = JournalTarget.Resolve("postgresql://akka:p%40ss%3Bword@db.example:6543/dcsim_journal?Timeout=5", "out", 3)!;

        // assert
        var built = new NpgsqlConnectionStringBuilder(settings.Target);
        Assert.Equal((JournalStore.Postgres, 3), (settings.Store, settings.ProgressBatch));
        Assert.Equal(("db.example", 6543, "dcsim_journal", "akka", "p@ss;word", 5), (built.Host, built.Port, built.Database, built.Username, built.Password, built.Timeout));
        Assert.Equal("postgresql://akka@db.example:6543/dcsim_journal", settings.Display);
    }

    [Fact]
    public void Resolve_must_give_no_journal_for_off()
    {
        Assert.Null(JournalTarget.Resolve(" Off ", "out", 10));
    }

    [Fact]
    public void Resolve_must_take_an_npgsql_connection_string_as_it_is()
    {
        const string connection = "Host=127.0.0.1;Port=5432;Username=u;Password=p;Database=d";
        Assert.Equal(JournalSettings.Postgres(connection, 10), JournalTarget.Resolve(connection, "out", 10));
    }

    [Theory]
    [InlineData("mysql://root@db/x", "'mysql://root@db/x': expected 'sqlite', 'off', a URL postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE or a PostgreSQL connection string Host=...;Database=...")]
    [InlineData("postgresql://akka:secret@db:5432/", "'postgresql://akka@db:5432/' names no database (postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE)")]
    [InlineData("postgresql://akka:secret@db/d?NoSuchKeyword=1", "'postgresql://akka@db/d?NoSuchKeyword=1': Couldn't set NoSuchKeyword")]
    public void Resolve_must_refuse_other_forms_naming_the_accepted_ones_and_never_the_password(string target, string start)
    {
        // act
        var ex = Assert.Throws<JournalUnavailableException>(() => JournalTarget.Resolve(target, "out", 10));

        // assert
        Assert.StartsWith(start, ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }
}
