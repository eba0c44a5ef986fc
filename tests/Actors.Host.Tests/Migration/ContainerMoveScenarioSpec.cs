using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Settings;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>A container's move in the migrations list (container = NAME, method = restart | criu): values, and every bad input at FILE:LINE: KEY.</summary>
public sealed class ContainerMoveScenarioSpec
{
    // web-0 (a VM on host 0) runs app-0; host 1's own kernel runs cache-0 (macvlan) and nat-0 (bridge, the default).
    private const string Servers = """
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2, host-cpu.cores = 4 }
        servers { hypervisor = kvm, memory = 8GiB }
        vms = [ { name = web, hosts = [0], vcpus = 2, memory = 4GiB } ]
        containers = [ { name = app, vms = [web-0] }, { name = cache, hosts = [1], network = macvlan }, { name = nat, hosts = [1] } ]
        duration = 10s

        """;

    [Fact]
    public void A_container_move_must_take_reference_conf_s_defaults_and_its_own_keys()
    {
        // act
        var d = Parse(Servers + """
            migrations = [
              { at = 1s, container = cache-0, to = host2 }
              { at = 2s, vm = web-0, to = 3 }
            ]
            """).Datacenter();
        var criu = Parse(Servers + "migrations = [ { at = 1s, container = cache-0, to = 3, method = criu, memory = 1GiB, freeze = 1ms, dump-rate = 500MB/s, restore-rate = 4GB/s } ]")
            .Datacenter().Migrations.Single();

        // assert: restart by default, with CRIU's keys at their defaults; the VM's migration is unchanged
        var restart = d.Migrations[0];
        Assert.Equal((0, 1 * SimTime.Second, 2, 2), (restart.Index, restart.AtPs, restart.Entity, restart.ToServer));
        Assert.Equal(new ContainerMove(ContainerMoveMethod.Restart, 256L << 20, 10 * SimTime.Millisecond, 1_000_000_000, 2_000_000_000), restart.Container);
        Assert.Null(d.Migrations[1].Container);
        Assert.Equal(new ContainerMove(ContainerMoveMethod.Criu, 1L << 30, SimTime.Millisecond, 500_000_000, 4_000_000_000), criu.Container);
        // 1 GiB at 500 MB/s is 2.147483648 s; at 4 GB/s 0.268435456 s, after Docker's 9 ms namespace set-up
        Assert.Equal(2_147_483_648_000, criu.Container!.DumpPs);
        Assert.Equal(9_000_000_000 + 268_435_456_000, criu.Container.RestorePs(9 * SimTime.Millisecond));
    }

    [Fact]
    public void An_unknown_container_must_be_an_error_suggesting_the_closest_name()
    {
        AssertError(Servers + "migrations = [ { at = 1s, container = cach-0, to = 2 } ]", "migrations[0].container", 6, "no container is named 'cach-0'; did you mean 'cache-0'?");
        AssertError(Servers + "migrations = [ { at = 1s, container = web-0, to = 2 } ]", "migrations[0].container", 6, "web-0 is a VM: write vm = web-0");
    }

    [Fact]
    public void A_container_inside_a_VM_must_be_an_error_saying_it_moves_with_its_VM()
    {
        AssertError(Servers + "migrations = [ { at = 1s, container = app-0, to = 2 } ]", "migrations[0].container", 6,
            "app-0 runs inside VM web-0: it moves with its VM; migrate web-0 (vm = web-0)");
    }

    [Fact]
    public void A_container_that_cannot_keep_its_address_must_be_an_error()
    {
        AssertError(Servers + "migrations = [ { at = 1s, container = nat-0, to = 2 } ]", "migrations[0].container", 6,
            "nat-0 has network = bridge: it is reached through host 1's address and published ports", "only network = macvlan containers move");
    }

    [Fact]
    public void A_destination_must_be_another_server_with_room_for_the_container_s_memory()
    {
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = 1 } ]", "migrations[0].to", 6, "move to itself: cache-0 is placed on host 1 already");
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = host9 } ]", "migrations[0].to", 6, "expected a server, its index 0-3");
        // host 0 has web-0's 4 GiB of its 8 GiB
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = 0, method = criu, memory = 5GiB } ]", "migrations[0].to", 6,
            "host 0 has no room for cache-0's 5120 MiB at 1s: 4096 of its 8192 MiB are taken");
    }

    [Fact]
    public void Keys_of_the_other_kind_of_move_must_be_errors_not_ignored()
    {
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = 2, max-rounds = 3 } ]", "migrations[0].max-rounds", 6,
            "max-rounds applies to a VM's live migration; a container's move takes at, container, to, method");
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, vm = web-0, to = 2 } ]", "migrations[0].vm", 6, "vm applies to a VM's live migration");
        AssertError(Servers + "migrations = [ { at = 1s, vm = web-0, to = 2, method = criu } ]", "migrations[0].method", 6,
            "method applies to a container's move (container = NAME), not to a VM's live migration");
    }

    [Fact]
    public void Bad_values_must_be_errors_at_their_keys()
    {
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = 2, method = live } ]", "migrations[0].method", 6, "'live' is not one of restart, criu");
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = 2, dump-rate = 8Gbps } ]", "migrations[0].dump-rate", 6, "in bytes it is 1GB/s");
        AssertError(Servers + "migrations = [ { at = 1s, container = cache-0, to = 2, restore-rate = 0B/s } ]", "migrations[0].restore-rate", 6, "must be greater than 0");
        AssertError(Servers + "migrations = [ { at = 11s, container = cache-0, to = 2 } ]", "migrations[0].at", 6, "is not before the end of the scenario");
        AssertError(Servers + "migrations = [ { container = cache-0, to = 2 } ]", "migrations[0].at", 6, "missing: a container's move needs at, container and to");
        AssertError(Servers + """
            migrations = [
              { at = 1s, container = cache-0, to = 2 }
              { at = 2s, container = cache-0, to = 3 }
            ]
            """, "migrations[1].container", 8, "cache-0 is migrated already by migrations[0]");
    }

    [Fact]
    public void The_resolved_scenario_must_read_back_to_the_same_moves()
    {
        // act
        var original = Parse(Servers + "migrations = [ { at = 1s, container = cache-0, to = 3, method = criu, memory = 64MiB } ]");
        var again = Parse(original.ResolvedHocon);

        // assert
        Assert.Equal(original.Datacenter().Migrations, again.Datacenter().Migrations);
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
        Assert.Contains("container = \"cache-0\"", original.ResolvedHocon);
    }
}
