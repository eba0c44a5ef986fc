using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>The migration section, the migrations list and the VMs' dirtying keys: values, resolved round trip, and every bad input at FILE:LINE: KEY.</summary>
public sealed class MigrationScenarioSpec
{
    // 4 cores per server, no over-commit: host 0 holds web-0 and web-1 (2 vCPUs each, full), host 1 db-0 (4 vCPUs, full),
    // host 2 late-0 (1 vCPU, running from 5 s to 8 s), host 3 has no hypervisor. Racks: hosts 0-1 on leaf 0, 2-3 on leaf 1.
    private const string Servers = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.cores = 4 }
        servers { hypervisor = kvm, groups = [ { hosts = [3], hypervisor = none } ] }
        vms = [ { name = web, count = 2, hosts = [0], vcpus = 2, memory = 4GiB }, { name = db, hosts = [1], vcpus = 4, memory = 8GiB }, { name = late, hosts = [2], start = 5s, stop = 8s } ]
        containers = [ { name = app, vms = [web-0] }, { name = bare, hosts = [1] } ]
        duration = 10s

        """;

    private static readonly long Second = SimTime.Second;

    [Fact]
    public void The_section_must_default_to_QEMU_s_preset()
    {
        // act
        var d = Parse(Servers).Datacenter();

        // assert: reference.conf's values (page size, device state, resume delay, in-flight) are the presets' own
        Assert.Equal(MigrationSettings.Qemu, d.Migration);
        Assert.Empty(d.Migrations);
    }

    [Fact]
    public void A_preset_must_pick_its_values_and_keys_set_must_override_them()
    {
        // act
        var xen = Parse(Servers + "migration.preset = xen").Datacenter().Migration;
        var tuned = Parse(Servers + "migration { preset = xen, max-rounds = 10, downtime-limit = 1s, max-bandwidth = 1GB/s, page-size = 2MiB }").Datacenter().Migration;
        var off = Parse(Servers + "migration { downtime-limit = \"\", max-bandwidth = \"\", abort-after = 600s, in-flight = forward, min-pages = auto }").Datacenter().Migration;

        // assert
        Assert.Equal(MigrationSettings.Xen, xen);
        Assert.Equal(MigrationSettings.Xen with { MaxRounds = 10, DowntimeLimit = Second, MaxBandwidth = new DataRate(8_000_000_000), PageSize = 2 << 20 }, tuned);
        Assert.Equal(MigrationSettings.Qemu with { DowntimeLimit = null, MaxBandwidth = default, AbortAfter = 600 * Second, InFlight = InFlightPolicy.Forward }, off);
    }

    [Fact]
    public void A_migration_must_name_its_VM_and_server_and_take_the_section_s_settings_with_its_own_overrides()
    {
        // act
        var d = Parse(Servers + """
            migration.downtime-limit = 1s
            migrations = [
              { at = 1s, vm = web-1, to = host2, max-rounds = 5 }
              { at = 6s, vm = late-0, to = 0, preset = xen }
            ]
            """).Datacenter();

        // assert: entities are in plan order (web-0, web-1, db-0, late-0, then containers)
        var qemu = MigrationSettings.Qemu with { DowntimeLimit = Second };
        Assert.Equal(qemu, d.Migration);
        Assert.Equal([new MigrationRequest(0, Second, 1, 2, qemu with { MaxRounds = 5 }), new MigrationRequest(1, 6 * Second, 3, 0, MigrationSettings.Xen)],
            d.Migrations);
        Assert.Equal("web-1", d.Plan.NameOf(d.Migrations[0].Entity));
    }

    [Fact]
    public void A_VM_template_must_read_its_working_set_and_dirty_rate_with_defaults_all_memory_and_none()
    {
        // act
        var d = Parse("""
            servers.hypervisor = kvm
            vms = [ { name = a, memory = 4GiB, writable-working-set = 512MiB, dirty-rate = 100MB/s }, { name = b, memory = 1GiB }, { name = c, writable-working-set = 0B, dirty-rate = 1GiB/s } ]
            """).Datacenter().Virtualization.Vms;

        // assert
        Assert.Equal(new DirtyPageModel(4L << 30, 512L << 20, 100_000_000), d[0].DirtyModel);
        Assert.Equal(DirtyPageModel.Uniform(1L << 30, 0), d[1].DirtyModel);
        Assert.Equal(new DirtyPageModel(2L << 30, 0, 1L << 30), d[2].DirtyModel);
    }

    [Fact]
    public void A_resolved_scenario_with_migrations_must_read_back_to_the_same_settings()
    {
        // arrange
        var original = Parse("""
            topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
            servers.hypervisor = kvm
            vms = [ { name = web, hosts = [0], memory = 4GiB, writable-working-set = 512MiB, dirty-rate = 100MB/s } ]
            duration = 10s
            migration { preset = xen, max-bandwidth = 128MiB/s, abort-after = 60s }
            migrations = [ { at = 1s, vm = web-0, to = host3, max-rounds = 5, in-flight = forward }, ]
            """);

        // act
        var again = Parse(original.ResolvedHocon);

        // assert: the element keeps only what differs from the section
        Assert.Equal(original.Datacenter(), again.Datacenter());
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
        Assert.Single(again.Datacenter().Migrations);
        Assert.Contains("dirty-rate = 100MB/s\n", original.ResolvedHocon);
        Assert.Contains("writable-working-set = 512MiB\n", original.ResolvedHocon);
        Assert.Contains("""
            migrations = [
              {
                at = 1s
                in-flight = forward
                max-rounds = 5
                to = 3
                vm = "web-0"
              }
            ]
            """, original.ResolvedHocon);
        Assert.Contains("  max-bandwidth = 128MiB/s\n  max-data-factor = 3\n", original.ResolvedHocon);
        Assert.Contains("  preset = xen\n", original.ResolvedHocon);
    }

    [Fact]
    public void A_resolved_scenario_without_migrations_must_not_mention_them()
    {
        // act
        var resolved = Parse(Servers).ResolvedHocon;

        // assert: the resolved text of scenarios from before migrations is unchanged
        Assert.DoesNotContain("migration", resolved);
        Assert.DoesNotContain("dirty-rate", resolved);
        Assert.DoesNotContain("writable-working-set", resolved);
    }

    [Fact]
    public void A_move_must_leave_the_layout_as_it_is()
    {
        // arrange: web-0 moves from host 0 (leaf 0) to host 2 (leaf 1); bare-0, a container on host 1 (leaf 0), to host 3 (leaf 1)
        var vm = Parse(Servers + "migrations = [ { at = 1s, vm = web-0, to = 2 } ]");
        var container = Parse(Servers.Replace("{ name = bare, hosts = [1] }", "{ name = bare, hosts = [1], network = macvlan }")
            + "migrations = [ { at = 1s, container = bare-0, to = 3 } ]");

        // act
        var layouts = Enumerable.Range(1, 4).Select(p => (Plain: FabricModel.Instance.Layout(Parse(Servers), p),
            Vm: FabricModel.Instance.Layout(vm, p), Container: FabricModel.Instance.Layout(container, p))).ToList();

        // assert: a VM's and a container's state travel as bytes, between partitions if need be
        Assert.All(layouts, l => Assert.Equal(l.Plain.PartitionOfLp, l.Vm.PartitionOfLp));
        Assert.All(layouts, l => Assert.Equal(l.Plain.PartitionOfLp, l.Container.PartitionOfLp));
        Assert.NotEqual(layouts[1].Vm.PartitionOfLp[0], layouts[1].Vm.PartitionOfLp[2]);
    }

    [Fact]
    public void A_VM_that_does_not_exist_must_be_an_error_at_its_vm_with_a_suggestion()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-5, to = 2 } ]", "migrations[0].vm", 6, "no VM is named 'web-5'; did you mean 'web-0'?");
    }

    [Fact]
    public void A_template_name_must_be_an_error_at_its_vm()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = web, to = 2 } ]", "migrations[0].vm", 6, "'web' is a template of 2 VMs or containers: name one VM");
    }

    [Fact]
    public void A_container_must_be_an_error_naming_the_VM_it_moves_with()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = app-0, to = 2 } ]", "migrations[0].vm", 6, "app-0 is a container: containers move with their VM; migrate web-0");
        AssertError(Servers + "migrations = [ { at = 1s, vm = bare-0, to = 2 } ]", "migrations[0].vm", 6, "bare-0 is a container on host 1's own kernel");
    }

    [Fact]
    public void A_VM_with_a_passed_through_VF_must_be_an_error_suggesting_a_bonded_VF()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, nic = 82599 }
            vms = [ { name = v, vnic = vf, hosts = [0] } ]
            migrations = [ { at = 1ms, vm = v-0, to = 1 } ]
            """, "migrations[0].vm", 4, "v-0 has vnic = vf: a VM with a passed-through VF cannot migrate live (QEMU refuses", "use vnic = vf-bond");
    }

    [Fact]
    public void An_unknown_server_must_be_an_error_at_its_to()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0, to = host4 } ]", "migrations[0].to", 6, "expected a server, its index 0-3 or its name host0-host3, got 'host4'");
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0, to = db-0 } ]", "migrations[0].to", 6, "('db-0' is a VM or container: migrations go to servers)");
    }

    [Fact]
    public void A_migration_to_the_VM_s_own_server_must_be_an_error_at_its_to()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0, to = host0 } ]", "migrations[0].to", 6, "migration to itself: web-0 is placed on host 0 already");
    }

    [Fact]
    public void A_server_without_a_hypervisor_must_be_an_error_at_its_to()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0, to = 3 } ]", "migrations[0].to", 6, "host 3 has no hypervisor");
    }

    [Fact]
    public void A_server_without_vCPUs_left_must_be_an_error_at_its_to()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = db-0, to = 0 } ]", "migrations[0].to", 6,
            "host 0 has no room for db-0 (4 vCPUs, 8192 MiB) at 1s: 4 of its 4 vCPUs (cores x vcpu-overcommit)");
    }

    [Fact]
    public void A_server_without_memory_left_must_be_an_error_at_its_to()
    {
        AssertError("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            servers { hypervisor = kvm, memory = 8GiB }
            vms = [ { name = a, hosts = [0], memory = 6GiB }, { name = b, hosts = [1], memory = 4GiB } ]
            migrations = [ { at = 1ms, vm = a-0, to = 1 } ]
            """, "migrations[0].to", 4, "host 1 has no room for a-0 (1 vCPUs, 6144 MiB) at 1ms: 1 of its 8 vCPUs", "and 4096 of its 8192 MiB are taken");
    }

    [Fact]
    public void A_server_filled_by_an_earlier_migration_must_be_an_error_at_the_later_one_in_time_order()
    {
        // web-0 at 1 s takes 2 of host 2's 3 free vCPUs; web-1 at 2 s (listed first) finds 1
        AssertError(Servers + """
            migrations = [
              { at = 2s, vm = web-1, to = 2 }
              { at = 1s, vm = web-0, to = 2 }
            ]
            """, "migrations[0].to", 7, "host 2 has no room for web-1 (2 vCPUs, 4096 MiB) at 2s: 3 of its 4 vCPUs");
    }

    [Fact]
    public void Room_freed_by_an_earlier_migration_must_be_usable_by_a_later_one()
    {
        // act: host 0 is full until web-0 leaves at 1 s; late-0 (1 vCPU) comes at 6 s
        var d = Parse(Servers + "migrations = [ { at = 6s, vm = late-0, to = 0 }, { at = 1s, vm = web-0, to = 2 } ]").Datacenter();

        // assert
        Assert.Equal(2, d.Migrations.Count);
    }

    [Fact]
    public void A_migration_at_or_after_the_end_must_be_an_error_at_its_at()
    {
        AssertError(Servers + "migrations = [ { at = 10s, vm = web-0, to = 2 } ]", "migrations[0].at", 6, "at 10s is not before the end of the scenario (duration = 10s)");
    }

    [Fact]
    public void A_VM_that_is_not_running_must_be_an_error_at_its_at()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = late-0, to = 0 } ]", "migrations[0].at", 6, "late-0 is not running at 1s: it starts at 5s (vms[2].start)");
        AssertError(Servers + "migrations = [ { at = 8s, vm = late-0, to = 1 } ]", "migrations[0].at", 6, "late-0 is not running at 8s: it stops at 8s (vms[2].stop)");
    }

    [Fact]
    public void A_second_migration_of_a_VM_must_be_an_error_naming_the_first()
    {
        AssertError(Servers + """
            migrations = [
              { at = 3s, vm = web-0, to = 2 }
              { at = 1s, vm = web-0, to = 1 }
            ]
            """, "migrations[1].vm", 8, "web-0 is migrated already by migrations[0] (at 3s): one migration per VM in this version");
    }

    [Fact]
    public void A_migration_without_its_server_must_be_an_error()
    {
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0 } ]", "migrations[0].to", 6, "missing: every live migration needs at, vm and to");
    }

    [Fact]
    public void Bad_settings_must_be_errors_at_their_keys()
    {
        AssertError(Servers + "migration.preset = kvm", "migration.preset", 6, "'kvm' is not one of qemu, xen");
        AssertError(Servers + "migration.max-rounds = 0", "migration.max-rounds", 6, "must be at least 1, got 0");
        AssertError(Servers + "migration.max-bandwidth = 1Gbps", "migration.max-bandwidth", 6, "expected bytes per second", "in bytes it is 125MB/s");
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0, to = 2, preset = none } ]", "migrations[0].preset", 6, "'none' is not one of auto, qemu, xen");
    }

    [Fact]
    public void Every_bad_key_must_be_reported_not_only_the_first()
    {
        // act
        var e = Fails(Servers + """
            migration { preset = kvm, max-rounds = 0 }
            migrations = [ { at = 1s, vm = wbe-0, max-data-factor = 0 } ]
            """);

        // assert
        AssertError(e, "migration.preset", 6, "'kvm' is not one of qemu, xen");
        AssertError(e, "migration.max-rounds", 6, "must be at least 1");
        AssertError(e, "migrations[0].vm", 7, "no VM is named 'wbe-0'; did you mean 'web-0'?");
        AssertError(e, "migrations[0].to", 7, "missing: every live migration needs at, vm and to");
        AssertError(e, "migrations[0].max-data-factor", 7, "must be at least 1");
    }

    [Fact]
    public void Bad_dirtying_keys_must_be_errors_at_the_VM_template()
    {
        AssertError("servers.hypervisor = kvm\nvms = [ { name = a, memory = 1GiB, writable-working-set = 2GiB } ]", "vms[0].writable-working-set", 2,
            "2GiB is more than memory = 1GiB");
        AssertError("servers.hypervisor = kvm\nvms = [ { name = a, dirty-rate = 800Mbps } ]", "vms[0].dirty-rate", 2,
            "'800Mbps' is a rate in bits per second: in bytes it is 100MB/s");
        AssertError("servers.hypervisor = kvm\nvms = [ { name = a, dirty-rate = 100MBps } ]", "vms[0].dirty-rate", 2, "write 100MB/s");
    }
}
