using System.Text.RegularExpressions;
using Akka.Actor;
using DcSim.Runner.Persistence;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The experiment journal of real runs: written by `dcsim run` (SQLite in the output folder, or PostgreSQL when
/// DCSIM_TEST_POSTGRES holds a connection string), read back by `dcsim journal`, and used by `dcsim run --resume` after
/// the run's process was killed.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class JournalSpec
{
    private const string Scenario = """
        name = "journaled"
        seed = 3
        duration = 5ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [ { kind = cbr, rate = 100Mbps } ]
        """;

    /// <summary>About 20 M events: several seconds on this machine, long enough to be killed in the middle.</summary>
    private const string LongScenario = """
        name = "resumable"
        seed = 5
        duration = 1500ms
        topology { spines = 2, leaves = 4, hosts-per-leaf = 4 }
        traffic.generators = [ { kind = cbr, rate = 1Gbps } ]
        """;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private const long Millisecond = 1_000_000_000;

    public static TheoryData<string> Stores()
    {
        var stores = new TheoryData<string> { "sqlite" };
        if (Environment.GetEnvironmentVariable("DCSIM_TEST_POSTGRES") is { Length: > 0 }) stores.Add("postgres");
        return stores;
    }

    private static string Write(string dir, string name, string text)
    {
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, text);
        return file;
    }

    private static long SummaryNumber(string output, string key) =>
        long.Parse(Regex.Match(File.ReadAllText(Path.Combine(output, "summary.json")), $"\"{key}\": (\\d+)").Groups[1].Value);

    /// <summary>The record of <paramref name="experimentId"/>, recovered by a new ActorSystem as a resumed run would.</summary>
    private static async Task<ExperimentRecord> Recover(JournalSettings settings, string experimentId)
    {
        using var system = ActorSystem.Create("read", JournalConfig.Build(settings));
        var record = await system.ActorOf(ExperimentJournal.Props(experimentId, settings.ProgressBatch)).Ask<ExperimentRecord>(QueryExperiment.Instance, TimeSpan.FromSeconds(30));
        await system.Terminate();
        return record;
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Run_must_record_definition_progress_and_completion_in_its_journal(string store)
    {
        // arrange
        var dir = Scratch.Directory("journal-run");
        var output = Path.Combine(dir, "out");
        var connection = Environment.GetEnvironmentVariable("DCSIM_TEST_POSTGRES");
        string[] journal = store == "sqlite" ? [] : ["--journal", connection!];

        // act
        var run = Dcsim.Run(Limit, ["run", Write(dir, "s.conf", Scenario), "--out", output, "--seed", "7", .. journal]);

        // assert: the definition holds the seed of the command line; the completion the run's windows and events
        Assert.True(run.ExitCode == 0, run.Stderr);
        var line = Regex.Match(run.Stdout, @"^journal  (\S+) \(experiment (\S+)\)$", RegexOptions.Multiline);
        Assert.True(line.Success, run.Stdout);
        var windows = long.Parse(Regex.Match(run.Stdout, @"; ([\d,]+) windows").Groups[1].Value.Replace(",", ""));
        var settings = store == "sqlite" ? JournalSettings.Sqlite(Path.Combine(output, "journal.db"), 10) : JournalSettings.Postgres(connection!, 10);
        Assert.Equal(settings.Display, line.Groups[1].Value);
        Assert.Equal(store == "sqlite", File.Exists(Path.Combine(output, "journal.db")));
        Assert.Equal(store == "sqlite" ? null : $"{line.Groups[2].Value}\n{settings.Display}\n",
            File.Exists(Path.Combine(output, "journal.id")) ? File.ReadAllText(Path.Combine(output, "journal.id")) : null);
        var record = await Recover(settings, line.Groups[2].Value);
        Assert.Equal(("journaled", 7UL, true, 0), (record.Definition!.Name, record.Definition.Seed, record.Completed, record.Resumes));
        Assert.Equal(new JournalProgress(5_000_000_000, windows, SummaryNumber(output, "events_processed")), record.Progress);
        Assert.Equal(7, record.Definition.PartitionOfLp.Length); // 4 hosts, 2 leaves, 1 spine: one LP each
    }

    [Fact]
    public void Journal_command_must_print_the_record_and_a_rerun_must_replace_it()
    {
        // arrange: two runs into one folder
        var dir = Scratch.Directory("journal-print");
        var output = Path.Combine(dir, "out");
        var scenario = Write(dir, "s.conf", Scenario);
        var first = Dcsim.Run(Limit, "run", scenario, "--out", output);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var second = Dcsim.Run(Limit, "run", scenario, "--out", output, "--seed", "9");
        Assert.True(second.ExitCode == 0, second.Stderr);

        // act
        var shown = Dcsim.Run(Limit, "journal", output);

        // assert: the second run's record alone (a fresh journal per run), as lines of "field  value"
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        var id = Regex.Match(second.Stdout, @"\(experiment (\S+)\)").Groups[1].Value;
        var windows = Regex.Match(second.Stdout, @"; ([\d,]+) windows").Groups[1].Value;
        // auto: one partition per core on one process, as the layout allows
        var partitions = Regex.Match(second.Stdout, @"(\d+) partition\(s\)").Groups[1].Value;
        Assert.Equal([
            $"experiment  {id}",
            "scenario    journaled",
            "seed        9",
            $"layout      {partitions} partition(s), 7 LPs, 0 VM(s) and container(s)",
            $"progress    5ms simulated, {windows} windows, {SummaryNumber(output, "events_processed"):N0} events",
            "moves       0",
            "resumed     0",
            "status      completed",
        ], shown.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Run_without_journal_must_write_none_and_remove_an_earlier_runs()
    {
        // arrange: a run with its journal, then one into the same folder with the journal off
        var dir = Scratch.Directory("journal-off");
        var output = Path.Combine(dir, "out");
        var scenario = Write(dir, "s.conf", Scenario);
        Assert.Equal(0, Dcsim.Run(Limit, "run", scenario, "--out", output).ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "journal.db")));

        // act
        var off = Dcsim.Run(Limit, "run", scenario, "--out", output, "--journal", "off");

        // assert: the results of the second run and no journal (the first run's would describe another run)
        Assert.True(off.ExitCode == 0, off.Stderr);
        Assert.Contains("\njournal  off\n", off.Stdout);
        Assert.Empty(Directory.GetFiles(output, "journal.*"));
        Assert.Equal(2, Dcsim.Run(Limit, "journal", output).ExitCode);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Resume_after_SIGKILL_must_give_result_files_byte_identical_to_an_undisturbed_run(string store)
    {
        // arrange: an undisturbed run, and one killed (SIGKILL, no chance to clean up) once it is simulating
        string[] journal = store == "sqlite" ? [] : ["--journal", Environment.GetEnvironmentVariable("DCSIM_TEST_POSTGRES")!];
        var dir = Scratch.Directory("journal-resume");
        var (undisturbed, killed) = (Path.Combine(dir, "undisturbed"), Path.Combine(dir, "killed"));
        var scenario = Write(dir, "long.conf", LongScenario);
        var reference = Dcsim.Run(Limit, "run", scenario, "--out", undisturbed);
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        var port = Dcsim.FreePort();
        using (var run = Dcsim.StartCapturing(["run", scenario, "--out", killed, "--http", port.ToString(), .. journal]))
        {
            await Dcsim.WaitUntilSimulatingAsync(port, Limit);
            await Task.Delay(300);
            run.Process.Kill(entireProcessTree: true);
            Assert.True(run.Process.WaitForExit(10_000));
        }
        var stopped = Dcsim.Run(Limit, ["journal", killed, .. journal]);
        File.Delete(scenario); // a resume needs the journal alone

        // act
        var resumed = Dcsim.Run(Limit, ["run", "--resume", killed, .. journal]);

        // assert: killed in the middle (progress recorded, not completed), then resumed to the same bytes
        Assert.Contains("status      stopped (continue it with: dcsim run --resume", stopped.Stdout);
        Assert.DoesNotContain("progress    1.5s simulated", stopped.Stdout);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains(", resumed from the start)", resumed.Stdout);
        foreach (var file in Directory.GetFiles(undisturbed).Select(Path.GetFileName).Where(f => !f!.StartsWith("journal.", StringComparison.Ordinal)))
            Assert.True(File.ReadAllBytes(Path.Combine(undisturbed, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(killed, file!))), $"{file} differs");
        var after = Dcsim.Run(Limit, ["journal", killed, .. journal]);
        Assert.Contains("resumed     1", after.Stdout);
        Assert.Contains("status      completed", after.Stdout);
    }

    [Fact]
    public async Task Resume_after_SIGKILL_must_continue_from_the_last_checkpoint_and_give_the_undisturbed_result_files()
    {
        // arrange: the long scenario on one partition with a checkpoint every 100 ms of simulated time, killed after 700 ms
        var dir = Scratch.Directory("journal-checkpoint");
        var (undisturbed, killed) = (Path.Combine(dir, "undisturbed"), Path.Combine(dir, "killed"));
        var scenario = Write(dir, "long.conf", LongScenario + "\nkernel.checkpoint-interval = 100ms\nkernel.partitions = 1\n");
        var reference = Dcsim.Run(Limit, "run", scenario, "--out", undisturbed);
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        Assert.Matches(@"checkpoints 14 taken, [\d,]+ KiB each", reference.Stdout);
        var port = Dcsim.FreePort();
        using (var run = Dcsim.StartCapturing(["run", scenario, "--out", killed, "--http", port.ToString()]))
        {
            await Dcsim.WaitUntilSimulatingAsync(port, Limit, 700 * Millisecond);
            run.Process.Kill(entireProcessTree: true);
            Assert.True(run.Process.WaitForExit(10_000));
        }
        var stopped = Dcsim.Run(Limit, ["journal", killed]);
        var otherLayout = Dcsim.Run(Limit, ["run", "--resume", killed, "--partitions", "2"]);

        // act
        var resumed = Dcsim.Run(Limit, ["run", "--resume", killed]);

        // assert: a checkpoint of one partition cannot continue on two (exit 2, nothing run)
        Assert.Equal(2, otherLayout.ExitCode);
        Assert.Matches(@"^dcsim: --resume .*: its checkpoint at sim [\d.]+m?s holds 1 partition\(s\), not the 2 --partitions asks for; leave --partitions out, or add --from-start", otherLayout.Stderr);
        // the journal held a checkpoint past the start, the run went on from it, and every result file is the same
        var checkpoint = Regex.Match(stopped.Stdout, @"checkpoint  sim (?<at>[\d.]+)(?<unit>m?s) \(before window [\d,]+\), 1 partition\(s\), [\d,]+ bytes");
        Assert.True(checkpoint.Success, stopped.Stdout);
        // The last checkpoint the journal had saved: from 600 ms (the 700 ms one may still have been on its way to the database) to
        // the end, as the kill lands some windows after the poll that saw 700 ms (a loaded machine's poll can be late: 1 s and on read "1s").
        var atMs = double.Parse(checkpoint.Groups["at"].Value, System.Globalization.CultureInfo.InvariantCulture) * (checkpoint.Groups["unit"].Value == "s" ? 1_000 : 1);
        Assert.InRange(atMs, 600, 1_500);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($", resumed from its checkpoint at sim {checkpoint.Groups["at"].Value}{checkpoint.Groups["unit"].Value})", resumed.Stdout);
        foreach (var file in Directory.GetFiles(undisturbed).Select(Path.GetFileName).Where(f => !f!.StartsWith("journal.", StringComparison.Ordinal)))
            Assert.True(File.ReadAllBytes(Path.Combine(undisturbed, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(killed, file!))), $"{file} differs");
    }

    [Fact]
    public void Resume_must_refuse_a_completed_run_and_a_folder_without_journal_and_write_nothing()
    {
        // arrange: a completed run, an empty folder, and one whose run was journaled in a database
        var dir = Scratch.Directory("journal-refuse");
        var (done, empty, elsewhere) = (Path.Combine(dir, "done"), Path.Combine(dir, "empty"), Path.Combine(dir, "elsewhere"));
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(elsewhere);
        File.WriteAllText(Path.Combine(elsewhere, "journal.id"), "x-20261202-000000-00000000\npostgresql://akka@db:5432/dcsim\n");
        Assert.Equal(0, Dcsim.Run(Limit, "run", Write(dir, "s.conf", Scenario), "--out", done).ExitCode);
        var before = Directory.GetFiles(done).ToDictionary(f => f, File.ReadAllBytes);

        // act
        var completed = Dcsim.Run(Limit, "run", "--resume", done);
        var nothing = Dcsim.Run(Limit, "run", "--resume", empty);
        var noConnection = Dcsim.Run(Limit, "run", "--resume", elsewhere);

        // assert
        Assert.Equal((2, $"dcsim: --resume {done}: the run 'journaled' completed: its results are in {done}; there is nothing to resume\n"),
            (completed.ExitCode, completed.Stderr));
        Assert.Equal((2, $"dcsim: --resume {empty}: holds no journal.db: nothing to resume\n"), (nothing.ExitCode, nothing.Stderr));
        Assert.Equal((2, $"dcsim: --resume {elsewhere}: its journal is in postgresql://akka@db:5432/dcsim: give it with --journal CONNECTION: nothing to resume\n"),
            (noConnection.ExitCode, noConnection.Stderr));
        Assert.Equal(["journal.id"], Directory.GetFileSystemEntries(elsewhere).Select(Path.GetFileName));
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(done).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.Empty(Directory.GetFileSystemEntries(empty));
    }

    [Fact]
    public void Node_must_exit_2_when_its_journal_is_not_a_reachable_postgresql_database()
    {
        // arrange
        var port = Dcsim.FreePort();

        // act
        var unreachable = Dcsim.Run(Limit, "node", "--port", "0", "--journal", $"postgresql://akka:secret@127.0.0.1:{port}/dcsim");
        var sqlite = Dcsim.Run(Limit, "node", "--port", "0", "--journal", "sqlite");

        // assert
        Assert.Equal(2, unreachable.ExitCode);
        Assert.StartsWith($"dcsim: --journal: journal postgresql://akka@127.0.0.1:{port}/dcsim: cannot connect: ", Assert.Single(unreachable.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal((2, "dcsim: --journal: a node's journal is a PostgreSQL database the members share (a SQLite file is written by one process: `dcsim run`'s default)\n"),
            (sqlite.ExitCode, sqlite.Stderr));
        Assert.Empty(unreachable.Stdout + sqlite.Stdout);
    }

    [Fact]
    public void Unreachable_postgresql_must_exit_2_naming_the_option_or_the_key_before_anything_runs()
    {
        // arrange: a port where nothing listens
        var dir = Scratch.Directory("journal-unreachable");
        var output = Path.Combine(dir, "out");
        var port = Dcsim.FreePort();
        var url = $"postgresql://akka:secret@127.0.0.1:{port}/dcsim";
        var keyed = Write(dir, "keyed.conf", Scenario + $"\npersistence {{\n  journal = \"{url}\"\n}}\n");

        // act
        var byOption = Dcsim.Run(Limit, "run", Write(dir, "s.conf", Scenario), "--out", output, "--journal", url);
        var byKey = Dcsim.Run(Limit, "run", keyed, "--out", output);

        // assert: one line each, the password never shown, nothing written
        Assert.Equal(2, byOption.ExitCode);
        Assert.StartsWith($"dcsim: --journal: journal postgresql://akka@127.0.0.1:{port}/dcsim: cannot connect: ", Assert.Single(byOption.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(2, byKey.ExitCode);
        Assert.StartsWith($"{keyed}:7: persistence.journal: journal postgresql://akka@127.0.0.1:{port}/dcsim: cannot connect: ", Assert.Single(byKey.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.DoesNotContain("secret", byOption.Stderr + byKey.Stderr + byOption.Stdout + byKey.Stdout);
        Assert.False(Directory.Exists(output), "nothing may be written");
    }
}
