using System.Globalization;
using System.Text.Json;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The same VM migrating on OVS and with a bonded SR-IOV VF (config/scenarios/migration-ovs.conf and migration-sriov.conf,
/// docs/migration.md "OVS vs SR-IOV"): what each loses, and where.
/// </summary>
public sealed class MigrationOvsVsSriovSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The UDP stream to the VM: 200 Mb/s of 1000 B datagrams.</summary>
    private const double StreamPerMs = 25;

    /// <summary>reference.conf's vm-defaults.bond: vf-ready and miimon, which the scenario keeps.</summary>
    private const double VfReadyS = 0.1, MiimonS = 0.1;

    private sealed record Run(Dictionary<string, string> Migration, Dictionary<string, long> Drops);

    private static Run RunScenario(string name)
    {
        var output = Scratch.Directory("migration-" + name);
        var result = Dcsim.Run(Timeout, "run", Dcsim.RepositoryFile($"config/scenarios/migration-{name}.conf"), "--out", output);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var lines = File.ReadAllLines(Path.Combine(output, "migrations.csv"));
        var row = lines[0].Split(',').Zip(lines[1].Split(','), (k, v) => (k, v)).ToDictionary(p => p.k, p => p.v);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var drops = summary.RootElement.GetProperty("drops_by_location").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        return new Run(row, drops);
    }

    private static double Number(Run run, string column) => double.Parse(run.Migration[column], CultureInfo.InvariantCulture);

    private static long DropsAt(Run run, string suffix) => run.Drops.Where(d => d.Key.EndsWith(suffix, StringComparison.Ordinal)).Sum(d => d.Value);

    [Fact]
    public void A_bonded_VF_must_lose_the_frames_of_the_downtime_and_those_reaching_the_VF_before_the_bond_takes_it_back()
    {
        // act
        var ovs = RunScenario("ovs");
        var sriov = RunScenario("sriov");

        // assert: both stop for QEMU's 300 ms target and lose at the source what arrives during the downtime (25 datagrams per ms)
        foreach (var run in new[] { ovs, sriov })
        {
            Assert.Equal(("completed", "downtime-target"), (run.Migration["outcome"], run.Migration["stop_reason"]));
            var downtime = Number(run, "downtime_ms");
            Assert.InRange(downtime, 5, 310);
            Assert.InRange(Number(run, "dropped_at_source"), StreamPerMs * (downtime - 5), StreamPerMs * (downtime + 5));
        }
        // OVS: nothing else is lost. SR-IOV: a few frames in the VF as it is unplugged, and at the destination the frames that
        // reach the VF between vf-ready after the resumption and the bond's next miimon tick.
        Assert.Equal(0, DropsAt(ovs, "inactive-slave") + DropsAt(ovs, "vf0:unplugged"));
        Assert.InRange(DropsAt(sriov, "vf0:unplugged"), 1, 5);
        var ready = Number(sriov, "end_s") + VfReadyS;
        var window = Math.Ceiling(Math.Round(ready / MiimonS, 9)) * MiimonS - ready;
        Assert.InRange(DropsAt(sriov, "bond0:inactive-slave"), StreamPerMs * window * 1e3 - 5, StreamPerMs * window * 1e3 + 5);
    }
}
