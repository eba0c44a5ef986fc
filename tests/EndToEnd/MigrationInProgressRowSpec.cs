using System.Globalization;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>The row of migrations.csv for a migration the run ends in the middle of: what it did so far.</summary>
public sealed class MigrationInProgressRowSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_migration_the_run_ends_during_must_report_the_rounds_it_sent_and_why_it_stopped()
    {
        // arrange: migration-ovs.conf's VM sends its 512 MiB in one round and stops at about 1.32 s; it resumes at about 1.52 s
        var scenario = Path.Combine(Scratch.Directory("migration-cut"), "cut.conf");
        File.WriteAllText(scenario, File.ReadAllText(Dcsim.RepositoryFile("config/scenarios/migration-ovs.conf")) + "\nduration = 1400ms\n");
        var output = Scratch.Directory("migration-cut-out");

        // act
        var result = Dcsim.Run(Timeout, "run", scenario, "--out", output);

        // assert: in the stop-and-copy at the end; the round it sent and the stop decision it took are in its row
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var lines = File.ReadAllLines(Path.Combine(output, "migrations.csv"));
        var m = lines[0].Split(',').Zip(lines[1].Split(','), (k, v) => (k, v)).ToDictionary(p => p.k, p => p.v);
        Assert.Equal("in-progress", m["outcome"]);
        Assert.True(double.Parse(m["stop_s"], CultureInfo.InvariantCulture) > 0);
        Assert.Equal(("1", (512L << 20).ToString(CultureInfo.InvariantCulture), "downtime-target"), (m["rounds"], m["precopy_bytes"], m["stop_reason"]));
    }
}
