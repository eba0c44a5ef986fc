using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using DcSim.SimCore.Cluster;
using Xunit;

namespace DcSim.Runner.Tests.Persistence;

/// <summary>Checkpoints a run takes before its journal's definition is durable reach the journal once it is, in order; none before.</summary>
public sealed class OpeningJournalSpec
{
    /// <summary>A run's journal in a SQLite file under <paramref name="directory"/>, its definition durable.</summary>
    private static async Task<RunJournal> Define(string directory)
    {
        var settings = JournalSettings.Sqlite(Path.Combine(directory, JournalTarget.FileName), 10);
        var journal = RunJournal.OpenNew(settings, JournalConfig.Build(settings), "opening", AkkaLog.Console);
        await journal.BeginAsync(new ExperimentDefinition("opening", 1, "name = x", 1, [0], [], directory));
        return journal;
    }

    [Fact]
    public async Task Checkpoints_taken_while_the_journal_opens_must_be_recorded_in_order_once_it_is_durable()
    {
        // arrange: the journal opens only after two checkpoints were taken
        var opening = new TaskCompletionSource<RunJournal>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new OpeningJournal(opening.Task);
        pending.RecordCheckpoint(new RecoveryPoint(10, 1_000, [[1]]));
        pending.RecordCheckpoint(new RecoveryPoint(20, 2_000, [[2]]));

        var directory = Directory.CreateTempSubdirectory("dcsim-opening-");

        // act
        opening.SetResult(await Define(directory.FullName));
        ExperimentRecord record;
        await using (var journal = await pending.Opening) record = await journal.QueryAsync();
        directory.Delete(recursive: true);

        // assert: both arrived, in order (the journal keeps the later one)
        Assert.Equal((20L, 2_000L), (record.Checkpoint.Window, record.Checkpoint.SimulatedTime));
    }

    [Fact]
    public async Task A_journal_that_cannot_record_the_run_must_fault_the_opening_with_its_reason()
    {
        // arrange
        var opening = new TaskCompletionSource<RunJournal>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new OpeningJournal(opening.Task);
        pending.RecordCheckpoint(new RecoveryPoint(10, 1_000, [[1]]));

        // act
        opening.SetException(new IOException("disk full"));

        // assert
        Assert.Equal("disk full", (await Assert.ThrowsAsync<IOException>(() => pending.Opening)).Message);
    }
}
