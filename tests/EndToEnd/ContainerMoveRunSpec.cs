using System.Globalization;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>config/scenarios/migration-container.conf through the real executable: a restart and a CRIU move in migrations.csv and the run's summary.</summary>
public sealed class ContainerMoveRunSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static readonly string[] Files = ["summary.json", "flows.csv", "links.csv", "servers.csv", "endpoints.csv", "tcp-flows.csv", "migrations.csv"];

    /// <summary>
    /// Three racks, one partition each on three nodes: both containers move from rack 0 to rack 1 — their state leaves one process for
    /// another — while hosts 4 and 5, in rack 2, send to them, so their frames and announcements cross partitions too. Short, with a quick
    /// runtime: every microsecond is a window on three processes.
    /// </summary>
    private const string AcrossRacks = """
        name = "container-across-partitions"
        seed = 5
        duration = 60ms
        # A rack per partition, as the test means: a balanced layout might put the spine apart and two racks together.
        kernel.layout = round-robin
        topology { spines = 1, leaves = 3, hosts-per-leaf = 2 }
        costs.runtime.docker { netns-setup = 1ms, start-delay = 4ms }
        containers = [ { name = cache, hosts = [0], network = macvlan }, { name = db, hosts = [1], network = macvlan } ]
        traffic.generators = [
          { kind = cbr, hosts = [4], destination = fixed, target = cache-0, rate = 100Mbps, start = 10ms }
          { kind = tcp-bulk, hosts = [5], destination = fixed, target = db-0, start = 10ms }
        ]
        migrations = [
          { at = 20ms, container = cache-0, to = host2 }
          { at = 20ms, container = db-0, to = host3, method = criu, memory = 4MiB }
        ]
        """;

    private static string Run(string scenario, params string[] extra)
    {
        var output = Scratch.Directory("migration-container");
        var result = Dcsim.Run(Timeout, ["run", scenario, "--out", output, .. extra]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return output;
    }

    [Fact]
    public void Container_moves_must_give_identical_results_on_one_process_and_on_three()
    {
        // arrange
        var scenario = Path.Combine(Scratch.Directory("migration-container-scenario"), "across.conf");
        File.WriteAllText(scenario, AcrossRacks);

        // act
        var single = Run(scenario);
        var cluster = Run(scenario, "--nodes", "3");

        // assert: both moves done (5 ms start-up; 4 MiB dumped, sent and restored), the same bytes on one process and on three
        var moves = File.ReadAllLines(Path.Combine(single, "migrations.csv"));
        Assert.Contains(",container-restart,", moves[1]);
        Assert.Contains(",completed,", moves[1]);
        Assert.Contains(",container-criu,", moves[2]);
        Assert.Contains(",completed,", moves[2]);
        foreach (var file in Files)
            Assert.True(File.ReadAllText(Path.Combine(single, file)) == File.ReadAllText(Path.Combine(cluster, file)), $"{file} differs between 1 and 3 processes");
    }

    private static double Number(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    [Fact]
    public void The_example_container_moves_must_be_reported_in_migrations_csv_with_their_downtimes()
    {
        // act
        var output = Scratch.Directory("migration-container");
        var result = Dcsim.Run(Timeout, ["run", Dcsim.RepositoryFile("config/scenarios/migration-container.conf"), "--out", output]);

        // assert
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var lines = File.ReadAllLines(Path.Combine(output, "migrations.csv"));
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => header.Zip(l.Split(','), (k, v) => (k, v)).ToDictionary(p => p.k, p => p.v)).ToList();
        var (restart, criu) = (rows[0], rows[1]);
        // cache-0: restarted on host 2 after Docker's 568 ms start-up (calibration.md §6.2); 12.5 datagrams per ms lost at host 0 meanwhile
        Assert.Equal(("cache-0", "host0", "host2", "completed", "container-restart"), (restart["vm"], restart["from"], restart["to"], restart["outcome"], restart["stop_reason"]));
        // and the 4.168 us the order to start it takes from host 0 to host 2 (two host hops and two fabric hops at 10 Gb/s)
        Assert.Equal(568.004168, Number(restart, "downtime_ms"), 6);
        Assert.Equal(1.568004, Number(restart, "end_s"), 6);
        Assert.Equal(0, Number(restart, "total_bytes"));
        Assert.InRange(Number(restart, "dropped_at_source"), 7100, 7110);
        // db-0: 64 MiB frozen 10 ms, dumped at 1 GB/s (67.1 ms), sent over TCP, restored after 9 ms of netns set-up at 2 GB/s (33.6 ms)
        Assert.Equal(("db-0", "host1", "host3", "completed", "container-criu"), (criu["vm"], criu["from"], criu["to"], criu["outcome"], criu["stop_reason"]));
        Assert.Equal(64L << 20, Number(criu, "total_bytes"));
        var transferMs = Number(criu, "downtime_ms") - 10 - 67.108864 - 9 - 33.554432;
        Assert.InRange(transferMs, (64L << 20) * 8 / 10e9 * 1538 / 1448 * 1e3, 200);
        Assert.Equal(Number(criu, "start_s") + Number(criu, "downtime_ms") / 1e3, Number(criu, "end_s"), 6);
        // Its TCP connection from host 2 outlived the move: more than a gigabyte delivered over the run, the move's frames lost at host 1
        var tcp = File.ReadAllLines(Path.Combine(output, "tcp-flows.csv"));
        var tcpHeader = tcp[0].Split(',');
        var bulk = tcp.Skip(1).Select(l => tcpHeader.Zip(l.Split(','), (k, v) => (k, v)).ToDictionary(p => p.k, p => p.v)).Single(r => r["source"] == "2");
        Assert.True(Number(bulk, "bytes_received") > 1e9);
        Assert.True(Number(criu, "dropped_at_source") > 0);
        Assert.Contains("\"conservation_holds\": true", File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.Contains("migrate  cache-0 host0 -> host2: container-restart, 0.568 s, 0.0 MB, downtime 568.0 ms", result.Stdout);
        Assert.Contains($"migrate  db-0 host1 -> host3: container-criu, {Number(criu, "total_s"):0.000} s, 67.1 MB, downtime {Number(criu, "downtime_ms"):0.0} ms", result.Stdout);
    }
}
