using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using DcSim.ActorsHost;
using DcSim.ActorsHost.Virtualization;
using DcSim.Runner.Persistence;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Scenario;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.Runner.Tests.Persistence;

/// <summary>
/// The experiment journal written, its ActorSystem terminated, and read back by a new one: on a SQLite file always, and on
/// PostgreSQL too when DCSIM_TEST_POSTGRES holds a connection string (each theory has one row per store).
/// </summary>
public sealed class ExperimentJournalSpec(ITestOutputHelper output) : IDisposable
{
    private const int Batch = 10;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("dcsim-journal-").FullName;

    public static TheoryData<string> Stores()
    {
        var stores = new TheoryData<string> { "sqlite" };
        if (Environment.GetEnvironmentVariable("DCSIM_TEST_POSTGRES") is { Length: > 0 }) stores.Add("postgres");
        return stores;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private JournalSettings Settings(string store) => store == "sqlite"
        ? JournalSettings.Sqlite(Path.Combine(_directory, "journal.db"), Batch)
        : JournalSettings.Postgres(Environment.GetEnvironmentVariable("DCSIM_TEST_POSTGRES")!, Batch);

    /// <summary>A fresh id per test, so that runs against one PostgreSQL database never see each other's experiments.</summary>
    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    /// <summary>A run of a real scenario: 2 partitions (or as many as given), two VMs and a container inside one of them.</summary>
    private static ExperimentDefinition Definition(ulong seed, int partitions = 2)
    {
        var scenario = ScenarioLoader.Parse($$"""
            name = journal
            seed = {{seed}}
            duration = 1ms
            topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu { cores = 4 } }
            servers.groups = [ { hosts = [1, 3], hypervisor = kvm } ]
            vms = [ { name = db, count = 2, hosts = [1, 3], placement = explicit, vcpus = 1 } ]
            containers = [ { name = web, vms = [db-1], network = bridge } ]
            """, "journal.conf", ".", FabricModel.Instance);
        return ExperimentDefinition.Of(scenario, FabricModel.Instance.Layout(scenario, partitions));
    }

    private static async Task<T> Ask<T>(IActorRef journal, object message) => await journal.Ask<T>(message, Wait);

    private static async Task<ExperimentRecord> Recover(JournalSettings settings, string id)
    {
        using var system = ActorSystem.Create("recover", JournalConfig.Build(settings));
        var record = await Ask<ExperimentRecord>(system.ActorOf(ExperimentJournal.Props(id, Batch)), QueryExperiment.Instance);
        await system.Terminate();
        return record;
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Journal_must_recover_definition_last_progress_and_completion_when_a_new_system_opens_the_store(string store)
    {
        // arrange: one experiment defined, 1000 progress reports (1 us and 3 windows of 50 events each), then completed;
        // a second one defined and reported 1005 times, never completed
        var settings = Settings(store);
        var (done, running) = (NewId("done"), NewId("running"));
        var (first, second) = (Definition(7), Definition(8));
        var clock = Stopwatch.StartNew();
        using (var system = ActorSystem.Create("write", JournalConfig.Build(settings)))
        {
            var a = system.ActorOf(ExperimentJournal.Props(done, Batch));
            await Ask<Recorded>(a, new BeginExperiment(first));
            output.WriteLine($"{store}: first contact (tables + definition written) {clock.ElapsedMilliseconds} ms");
            clock.Restart();
            for (var i = 1; i <= 1000; i++) a.Tell(new ReportProgress(new JournalProgress(i * 1_000_000L, 3L * i, 150L * i)));
            await Ask<ExperimentRecord>(a, QueryExperiment.Instance);
            output.WriteLine($"{store}: 1000 progress reports ({1000 / Batch} events) written in {clock.ElapsedMilliseconds} ms");
            await Ask<Recorded>(a, new FinishExperiment(new JournalProgress(1_000_500_000, 3001, 150_070)));

            var b = system.ActorOf(ExperimentJournal.Props(running, Batch));
            await Ask<Recorded>(b, new BeginExperiment(second));
            for (var i = 1; i <= 1005; i++) b.Tell(new ReportProgress(new JournalProgress(i, i, i)));
            await Ask<ExperimentRecord>(b, QueryExperiment.Instance);
            await system.Terminate();
        }

        // act
        clock.Restart();
        var (recoveredDone, recoveredRunning) = (await Recover(settings, done), await Recover(settings, running));
        output.WriteLine($"{store}: two experiments recovered by new systems in {clock.ElapsedMilliseconds} ms");

        // assert: the completed one ends at its final progress; the running one at its 1000th report (the last 5 were one
        // batch short of an event), with its own definition
        AssertSame(first, recoveredDone.Definition!);
        Assert.Equal((new JournalProgress(1_000_500_000, 3001, 150_070), true), (recoveredDone.Progress, recoveredDone.Completed));
        AssertSame(second, recoveredRunning.Definition!);
        Assert.Equal((new JournalProgress(1000, 1000, 1000), false), (recoveredRunning.Progress, recoveredRunning.Completed));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Journal_must_report_nothing_recorded_when_the_experiment_id_is_unknown(string store)
    {
        // act
        var record = await Recover(Settings(store), NewId("never"));

        // assert
        Assert.Equal((null, default(JournalProgress), false), (record.Definition, record.Progress, record.Completed));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Journal_must_refuse_a_second_definition_when_one_is_recorded(string store)
    {
        // arrange
        var id = NewId("twice");
        using var system = ActorSystem.Create("twice", JournalConfig.Build(Settings(store)));
        var journal = system.ActorOf(ExperimentJournal.Props(id, Batch));
        await Ask<Recorded>(journal, new BeginExperiment(Definition(1)));

        // act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Ask<Recorded>(journal, new BeginExperiment(Definition(2))));

        // assert
        Assert.Equal($"experiment '{id}' already has a definition (journal, seed 1)", ex.Message);
        await system.Terminate();
    }

    [Fact]
    public void Journal_config_must_fail_at_once_naming_the_path_when_the_directory_does_not_exist()
    {
        // arrange
        var path = Path.Combine(_directory, "missing", "journal.db");

        // act
        var ex = Assert.Throws<JournalUnavailableException>(() => JournalConfig.Build(JournalSettings.Sqlite(path, Batch)));

        // assert
        Assert.Equal($"journal {path}: directory {Path.Combine(_directory, "missing")} does not exist", ex.Message);
    }

    [Fact]
    public void Journal_config_must_fail_at_once_when_the_file_is_not_a_database()
    {
        // arrange
        var path = Path.Combine(_directory, "text.db");
        File.WriteAllText(path, "this is a text file, not a SQLite database, and it is long enough to hold a header");

        // act
        var ex = Assert.Throws<JournalUnavailableException>(() => JournalConfig.Build(JournalSettings.Sqlite(path, Batch)));

        // assert
        Assert.StartsWith($"journal {path}: not a usable SQLite database: ", ex.Message);
    }

    [Fact]
    public void Journal_config_must_fail_at_once_naming_the_server_when_no_postgresql_listens()
    {
        // arrange: port 1 (tcpmux, which no machine here serves), so the connection is refused
        var settings = JournalSettings.Postgres("Host=127.0.0.1;Port=1;Username=akka;Password=secret;Database=dcsim;Timeout=5", Batch);

        // act
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<JournalUnavailableException>(() => JournalConfig.Build(settings));

        // assert
        Assert.StartsWith("journal postgresql://akka@127.0.0.1:1/dcsim: cannot connect: ", ex.Message);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Journal_config_must_put_a_new_sqlite_file_in_wal_mode()
    {
        // arrange
        var path = Path.Combine(_directory, "wal.db");

        // act
        JournalConfig.Build(JournalSettings.Sqlite(path, Batch));

        // assert
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        db.Open();
        using var mode = db.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", mode.ExecuteScalar());
    }

    [Fact]
    public async Task Journal_events_must_use_the_journal_serializer_and_round_trip_a_definition()
    {
        // arrange
        using var system = ActorSystem.Create("serializer", JournalConfig.Build(JournalSettings.Sqlite(Path.Combine(_directory, "s.db"), Batch)));
        var serialization = system.Serialization;
        var defined = new ExperimentDefined(Definition(3));

        // act
        var serializer = serialization.FindSerializerFor(defined);
        var bytes = serializer.ToBinary(defined);
        var back = (ExperimentDefined)serialization.Deserialize(bytes, serializer.Identifier, ((JournalSerializer)serializer).Manifest(defined));

        // assert: 4 hosts, 3 entities: the web container sits in db-1 (entity 1) on host 3
        Assert.IsType<JournalSerializer>(serializer);
        Assert.IsType<JournalSerializer>(serialization.FindSerializerFor(new ProgressRecorded(default)));
        AssertSame(defined.Definition, back.Definition);
        Assert.Equal(new PlacedEntity(EntityKind.Container, 0, 0, 3, 1), back.Definition.Placement[2]);
        Assert.Equal(Path.GetFullPath("."), back.Definition.BaseDirectory);
        Assert.Equal([0, 1], back.Definition.PartitionOfLp.Distinct().Order());
        output.WriteLine($"definition event: {bytes.Length} bytes, of which scenario {defined.Definition.ScenarioHocon.Length} chars");
        await system.Terminate();
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Journal_must_recover_moves_in_order_and_restart_progress_at_the_cut_when_a_run_was_resumed(string store)
    {
        // arrange: a run defined, 20 reports (2 progress events), two moves, stopped; then resumed from the start, with
        // 10 reports and a third move
        var settings = Settings(store);
        var id = NewId("resumed");
        using (var system = ActorSystem.Create("first", JournalConfig.Build(settings)))
        {
            var journal = system.ActorOf(ExperimentJournal.Props(id, Batch));
            await Ask<Recorded>(journal, new BeginExperiment(Definition(4)));
            for (var i = 1; i <= 20; i++) journal.Tell(new ReportProgress(new JournalProgress(i * 1000L, i, 10L * i)));
            journal.Tell(new RecordMove(5, 3, 1_500));
            journal.Tell(new RecordMove(6, 0, 2_000));
            await Ask<ExperimentRecord>(journal, QueryExperiment.Instance);
            await system.Terminate();
        }
        using (var system = ActorSystem.Create("second", JournalConfig.Build(settings)))
        {
            var journal = system.ActorOf(ExperimentJournal.Props(id, Batch));
            await Ask<Recorded>(journal, new ResumeExperiment(ResumePoint.Progress(RecoveryPoint.Start)));
            for (var i = 1; i <= 10; i++) journal.Tell(new ReportProgress(new JournalProgress(i * 100L, i, i)));
            journal.Tell(new RecordMove(4, 1, 900));
            await Ask<ExperimentRecord>(journal, QueryExperiment.Instance);
            await system.Terminate();
        }

        // act
        var record = await Recover(settings, id);

        // assert: progress is the resumed run's (its 10th report), not the first run's 20th
        Assert.Equal((new JournalProgress(1000, 10, 10), false, 1), (record.Progress, record.Completed, record.Resumes));
        Assert.Equal([new EntityMoved(5, 3, 1_500), new EntityMoved(6, 0, 2_000), new EntityMoved(4, 1, 900)], record.Moves);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Journal_must_keep_the_latest_checkpoint_with_its_bytes_for_a_new_system(string store)
    {
        // arrange: a run that records two checkpoints of 3 partitions (the second larger than a snapshot page), then stops
        var settings = Settings(store);
        var id = NewId("checkpoints");
        var first = new RecoveryPoint(9, 1_000, [[1, 2], [3], [4, 5, 6]]);
        var second = new RecoveryPoint(19, 2_000, [Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray(), [], [7]]);
        using (var system = ActorSystem.Create("checkpointing", JournalConfig.Build(settings)))
        {
            var journal = system.ActorOf(ExperimentJournal.Props(id, Batch));
            await Ask<Recorded>(journal, new BeginExperiment(Definition(3)));
            journal.Tell(new RecordCheckpoint(first));
            journal.Tell(new RecordMove(5, 3, 1_500));
            journal.Tell(new RecordCheckpoint(second));
            await Ask<ExperimentRecord>(journal, QueryExperiment.Instance);
            // The snapshot is saved after its marker event: wait until a new system recovers it.
            var clock = Stopwatch.StartNew();
            while ((await Recover(settings, id)).Checkpoint.Window != 19 && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
            await system.Terminate();
        }

        // act
        var record = await Recover(settings, id);

        // assert: the latest checkpoint, byte for byte, with the definition and the move from before it
        Assert.Equal((19L, 2_000L), (record.Checkpoint.Window, record.Checkpoint.SimulatedTime));
        Assert.Equal(second.Partitions!, record.Checkpoint.Partitions!);
        Assert.Equal(Definition(3).Name, record.Definition!.Name);
        Assert.Equal([new EntityMoved(5, 3, 1_500)], record.Moves);
        Assert.Same(record.Checkpoint, ResumePoint.Of(record));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Journal_must_refuse_to_resume_when_nothing_is_defined_or_the_run_completed(string store)
    {
        // arrange
        var (empty, done) = (NewId("empty"), NewId("done"));
        using var system = ActorSystem.Create("refuse", JournalConfig.Build(Settings(store)));
        var completed = system.ActorOf(ExperimentJournal.Props(done, Batch));
        await Ask<Recorded>(completed, new BeginExperiment(Definition(1)));
        await Ask<Recorded>(completed, new FinishExperiment(new JournalProgress(1, 1, 1)));

        // act
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => Ask<Recorded>(system.ActorOf(ExperimentJournal.Props(empty, Batch)), new ResumeExperiment(ResumePoint.Progress(RecoveryPoint.Start))));
        var finished = await Assert.ThrowsAsync<InvalidOperationException>(() => Ask<Recorded>(completed, new ResumeExperiment(ResumePoint.Progress(RecoveryPoint.Start))));

        // assert
        Assert.Equal($"experiment '{empty}' has no definition to resume", none.Message);
        Assert.Equal($"experiment '{done}' completed: there is nothing to resume", finished.Message);
        await system.Terminate();
    }

    [Fact]
    public async Task Journal_serializer_must_round_trip_moves_and_resumes_in_a_few_bytes()
    {
        // arrange
        using var system = ActorSystem.Create("events", JournalConfig.Build(JournalSettings.Sqlite(Path.Combine(_directory, "e.db"), Batch)));
        var serializer = (JournalSerializer)system.Serialization.FindSerializerFor(new EntityMoved(0, 0, 0));
        object[] events = [new EntityMoved(131, 7, 250_000_000_000), new ExperimentResumed(new JournalProgress(5_000_000, 5, 1234))];

        // act
        var bytes = events.Select(serializer.ToBinary).ToArray();
        var back = events.Select((e, i) => serializer.FromBinary(bytes[i], serializer.Manifest(e))).ToArray();

        // assert: 2 + 1 + 6 bytes for the move (7-bit encoded), 4 + 1 + 2 for the resume
        Assert.Equal(events, back);
        Assert.Equal(["XM", "XR"], events.Select(serializer.Manifest));
        Assert.Equal([9, 7], bytes.Select(b => b.Length));
        await system.Terminate();
    }

    [Fact]
    public async Task A_definition_must_keep_partitions_that_hold_no_LP_and_an_old_one_must_still_read()
    {
        // arrange: 5 partitions of a fabric of 3 units (2 racks and a spine): two of them hold nothing
        using var system = ActorSystem.Create("partitions", JournalConfig.Build(JournalSettings.Sqlite(Path.Combine(_directory, "p.db"), Batch)));
        var serializer = (JournalSerializer)system.Serialization.FindSerializerFor(new ExperimentDefined(Definition(5)));
        var definition = Definition(5, partitions: 5);
        var written = new ExperimentDefined(definition);
        var snapshot = new JournalSnapshot(definition, new JournalProgress(1, 1, 1), false, [], 0, RecoveryPoint.Start);
        var old = OldDefinitionBytes(serializer, definition);

        // act
        var back = (ExperimentDefined)serializer.FromBinary(serializer.ToBinary(written), serializer.Manifest(written));
        var snapshotBack = (JournalSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot));
        var oldBack = (ExperimentDefined)serializer.FromBinary(old, "XD");

        // assert: the count as asked, though only 3 partitions hold an LP; an event from before the count was written reads as then
        Assert.Equal(3, definition.PartitionOfLp.Distinct().Count());
        Assert.Equal(5, back.Definition.Partitions);
        Assert.Equal(5, snapshotBack.Definition!.Partitions);
        Assert.Equal(["XD2", "XS2"], new object[] { written, snapshot }.Select(serializer.Manifest));
        AssertSame(definition, back.Definition);
        Assert.Equal(3, oldBack.Definition.Partitions);
        Assert.Equal(definition.PartitionOfLp, oldBack.Definition.PartitionOfLp);
        Assert.Equal(definition.Placement, oldBack.Definition.Placement);
        await system.Terminate();
    }

    /// <summary>
    /// A definition as journals before 2026-12-05 hold it ("XD"): today's bytes without the partition count, which follows the name, seed
    /// and scenario (one byte for a count under 128).
    /// </summary>
    private static byte[] OldDefinitionBytes(JournalSerializer serializer, ExperimentDefinition d)
    {
        using var head = new MemoryStream();
        using (var w = new BinaryWriter(head))
        {
            w.Write(d.Name);
            w.Write(d.Seed);
            w.Write(d.ScenarioHocon);
        }
        var (bytes, at) = (serializer.ToBinary(new ExperimentDefined(d)), head.ToArray().Length); // ToArray: the writer closed the stream
        Assert.Equal(d.Partitions, bytes[at]);
        return [.. bytes[..at], .. bytes[(at + 1)..]];
    }

    private static void AssertSame(ExperimentDefinition expected, ExperimentDefinition actual)
    {
        Assert.Equal((expected.Name, expected.Seed, expected.ScenarioHocon, expected.Partitions, expected.BaseDirectory),
            (actual.Name, actual.Seed, actual.ScenarioHocon, actual.Partitions, actual.BaseDirectory));
        Assert.Equal(expected.PartitionOfLp, actual.PartitionOfLp);
        Assert.Equal(expected.Placement, actual.Placement);
    }
}
