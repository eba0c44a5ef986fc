using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Tests.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>The evacuation policy: every VM of a server moves, one after another, each where the most vCPUs are free.</summary>
public sealed class EvacuationSpec
{
    // 8 cores per server: host 0 holds three 2-vCPU VMs, host 2 already one 4-vCPU VM; host 3 has no hypervisor.
    private const string Servers = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.cores = 8, vswitch.enabled = true }
        servers { hypervisor = kvm, vm-switch = ovs, groups = [ { hosts = [3], hypervisor = none } ] }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        vms = [ { name = web, count = 3, hosts = [0], vcpus = 2, memory = 16MiB }, { name = db, hosts = [2], vcpus = 4, memory = 16MiB } ]
        traffic.generators = [ { kind = cbr, hosts = [1], destination = fixed, target = web-2, rate = 50Mbps, start = 5ms } ]
        duration = 400ms
        migration.max-bandwidth = ""

        """;

    [Fact]
    public void An_evacuation_must_chain_a_migration_per_VM_to_the_servers_with_the_most_free_vCPUs()
    {
        // act
        var d = Parse(Servers + "migrations = [ { at = 10ms, evacuate = host0 } ]").Datacenter();

        // assert: host 1 (8 free) takes web-0; then hosts 1 (6) and 2 (4): web-1 to host 1; then host 1 (4) and host 2 (4) tie on vCPUs
        // and host 2 has more memory free (its db takes 16 MiB, host 1 holds 32 MiB now): host 2. Each waits for the one before.
        Assert.Equal([(0, 1, -1), (1, 1, 0), (2, 2, 1)], d.Migrations.Select(m => (m.Entity, m.ToServer, m.After)));
        Assert.All(d.Migrations, m => Assert.Equal(0, m.Evacuates));
    }

    [Fact]
    public void An_evacuation_must_read_back_from_the_resolved_scenario_as_the_same_moves()
    {
        var original = Parse(Servers + "migrations = [ { at = 10ms, evacuate = 0, in-flight = forward } ]");
        var again = Parse(original.ResolvedHocon);
        Assert.Equal(original.Datacenter().Migrations, again.Datacenter().Migrations);
        Assert.Equal(original.Datacenter().Migration, again.Datacenter().Migration);
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
        Assert.Contains("evacuate = 0", original.ResolvedHocon);
    }

    [Fact]
    public void An_evacuation_naming_a_VM_or_a_server_without_VMs_must_be_an_error_at_its_key()
    {
        AssertError(Servers + "migrations = [ { at = 10ms, evacuate = host0, vm = web-0 } ]",
            "migrations[0].vm", 8, "an evacuation picks each VM's destination itself: vm goes with vm and to, not with evacuate");
        AssertError(Servers + "migrations = [ { at = 10ms, evacuate = host1 } ]", "migrations[0].evacuate", 8, "host 1 has no VM to evacuate");
    }

    [Fact]
    public void The_VMs_of_an_evacuated_server_must_move_one_after_another()
    {
        // act
        var results = InProcessRun.Run(FabricModel.Instance, VirtualizedRuns.Parse(Servers + "migrations = [ { at = 10ms, evacuate = host0 } ]"));

        // assert: three completed migrations, each starting when the one before resumed its VM; web-2's stream reached it after its move
        var rows = results.Components.Values.Where(c => c.Kind == MigrationResults.Kind).OrderBy(c => c[MigrationResults.Index]).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal((long)MigrationPhase.Completed, r[MigrationResults.Phase]));
        Assert.Equal(10 * SimTime.Millisecond, rows[0][MigrationResults.StartPs]);
        Assert.Equal(rows[0][MigrationResults.EndPs], rows[1][MigrationResults.StartPs]);
        Assert.Equal(rows[1][MigrationResults.EndPs], rows[2][MigrationResults.StartPs]);
        Assert.True(rows[2][MigrationResults.EndPs] < 400 * SimTime.Millisecond);
        Assert.True(new RunSummary(results).Conserved);
    }

    [Fact]
    public void A_VF_hot_plug_event_after_a_migration_started_must_be_an_error_at_the_migration()
    {
        AssertError("""
            topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599 }
            vms = [ { name = web, hosts = [0], vnic = vf-bond } ]
            duration = 1s
            vf-hotplug = [ { at = 25ms, vm = web-0, action = detach } ]
            migrations = [ { at = 20ms, vm = web-0, to = host2 } ]
            """, "migrations[0].at", 6, "web-0 has a VF hot-plug event at 25ms (vf-hotplug[0]) after its migration starts at 20ms");
    }
}
