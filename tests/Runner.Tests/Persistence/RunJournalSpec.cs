using Akka.Actor;
using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using Xunit;

namespace DcSim.Runner.Tests.Persistence;

/// <summary>How a run's folder journal is found: one experiment per SQLite file, never a file created by looking.</summary>
public sealed class RunJournalSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dcsim-runjournal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private JournalSettings Sqlite => JournalSettings.Sqlite(Path.Combine(_directory, JournalTarget.FileName), 10);

    private async Task Define(params string[] ids)
    {
        using var system = ActorSystem.Create("define", JournalConfig.Build(Sqlite));
        foreach (var id in ids)
            await system.ActorOf(ExperimentJournal.Props(id, 10)).Ask<Recorded>(
                new BeginExperiment(new ExperimentDefinition(id, 1, "name = x", 1, [0], [], _directory)), TimeSpan.FromSeconds(30));
        await system.Terminate();
    }

    [Fact]
    public async Task Open_folder_must_find_the_one_experiment_of_a_run_journal()
    {
        // arrange
        await Define("only-one");

        // act
        await using var journal = RunJournal.OpenFolder(_directory, AkkaLog.Console);
        var record = await journal.QueryAsync();

        // assert
        Assert.Equal(("only-one", "only-one"), (journal.ExperimentId, record.Definition!.Name));
    }

    [Fact]
    public async Task Open_folder_must_refuse_a_journal_of_several_experiments()
    {
        // arrange
        await Define("b-run", "a-run");

        // act
        var ex = Assert.Throws<JournalUnavailableException>(() => RunJournal.OpenFolder(_directory, AkkaLog.Console));

        // assert
        Assert.Equal($"journal {Sqlite.Target}: holds 2 experiments (a-run, b-run), not one run's", ex.Message);
    }

    [Fact]
    public void Open_folder_must_refuse_a_journal_without_experiment()
    {
        // arrange: a journal file whose tables were never created
        var path = Path.Combine(_directory, JournalTarget.FileName);
        JournalConfig.Build(Sqlite);

        // act
        var empty = Assert.Throws<JournalUnavailableException>(() => RunJournal.OpenFolder(_directory, AkkaLog.Console));

        // assert
        Assert.Equal($"journal {path}: holds no experiment", empty.Message);
    }

    [Fact]
    public void Open_folder_must_refuse_a_folder_without_journal_and_create_none()
    {
        // act
        var ex = Assert.Throws<JournalUnavailableException>(() => RunJournal.OpenFolder(_directory, AkkaLog.Console));

        // assert
        Assert.Equal("holds no journal.db", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }
}
