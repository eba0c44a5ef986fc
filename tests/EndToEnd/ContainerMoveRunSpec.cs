using System.Globalization;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>config/scenarios/migration-container.conf through the real executable: a restart and a CRIU move in migrations.csv and the run's summary.</summary>
public sealed class ContainerMoveRunSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static double Number(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    [Fact]
    public void The_example_container_moves_must_be_reported_in_migrations_csv_with_their_downtimes()
    {
        // act
        var output = Dcsim.TempDirectory("migration-container");
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
        Assert.Equal(568, Number(restart, "downtime_ms"));
        Assert.Equal(1.568, Number(restart, "end_s"));
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
