using System.Globalization;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// One cell of the comparison with SimGrid's live-migration plugin in a full run (tools/migration-vs-simgrid, docs/migration.md
/// "DcSim against SimGrid in full runs"): the cheapest cell that has a live round and a real downtime, checked against the peer's
/// own result in tools/simgrid-migration/results/simgrid.csv.
/// </summary>
public sealed class MigrationAgainstSimGridSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// What tools/migration-vs-simgrid/cells.py writes for SimGrid's "./migrate 1 100 10": two servers on one leaf, 10 Gb/s host
    /// links of 5 us (10 us between the hosts, SimGrid's link), free stacks, a 1 GiB VM dirtying all of it at 100 MB/s, QEMU's
    /// pre-copy with SimGrid's settings (30 ms target, no cap, no round limit, no device state, no resume delay).
    /// </summary>
    private const string Cell = """
        name = "mig-1g-100mbs-10gbps"
        seed = 1
        duration = 3s
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-link { rate = 10Gbps, delay = 5us }, vswitch.enabled = true }
        servers { hypervisor = kvm, vm-switch = ovs, stack-costs = free }
        costs.hypervisor.kvm { boot-delay = 0s, boot-cycles = 0 }
        vms = [ { name = vm, hosts = [0], vcpus = 1, memory = 1GiB, writable-working-set = 1GiB, dirty-rate = 100MB/s } ]
        migration {
          preset = qemu, downtime-limit = 30ms, max-bandwidth = "", max-rounds = "", max-data-factor = ""
          device-state = 0B, resume-delay = 0s
        }
        migrations = [ { at = 0s, vm = vm-0, to = 1 } ]
        """;

    private static Dictionary<string, string> Row(string csv, Func<Dictionary<string, string>, bool> which)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(','), (k, v) => (k, v)).ToDictionary(p => p.k, p => p.v)).Single(which);
    }

    private static double Number(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    [Fact]
    public void A_migration_in_a_full_run_must_take_the_time_and_downtime_SimGrid_gives_within_ten_percent()
    {
        // arrange
        var scenario = Path.Combine(Scratch.Directory("migration-simgrid"), "cell.conf");
        File.WriteAllText(scenario, Cell);
        var output = Scratch.Directory("migration-simgrid-out");
        var peer = Row(Dcsim.RepositoryFile("tools/simgrid-migration/results/simgrid.csv"),
            r => r["ram_gib"] == "1" && r["dirty_mbps"] == "100" && r["link_gbps"] == "10" && r["compete"] == "none");

        // act
        var result = Dcsim.Run(Timeout, "run", scenario, "--out", output);

        // assert: TCP's goodput is 1448/1538 = 0.941 of the link against SimGrid's 0.97, so DcSim takes about 3 % longer; one live
        // round after the first copy on both sides (DcSim counts the first copy as round 0); the downtime is the second round's dirt
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var m = Row(Path.Combine(output, "migrations.csv"), _ => true);
        Assert.Equal(("completed", "downtime-target"), (m["outcome"], m["stop_reason"]));
        Assert.InRange(Number(m, "total_s") / Number(peer, "total_s"), 1.0, 1.1);
        Assert.InRange(Number(m, "downtime_ms") / (Number(peer, "downtime_s") * 1e3), 0.9, 1.1);
        Assert.Equal(Number(peer, "rounds"), Number(m, "rounds") - 1);
    }
}
