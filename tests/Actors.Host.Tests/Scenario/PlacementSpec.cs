using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>
/// Where the scenario's VMs and containers go (EntityPlanner), worked out by hand for four servers of four cores:
/// each policy's server per VM, capacity and bare-metal errors, containers in VMs, published ports, and the endpoint
/// ids, addresses and reach that EntityPlan gives them.
/// </summary>
public sealed class PlacementSpec
{
    /// <summary>Four KVM servers of four cores, no over-commit; two lines, so the first line of extra is line 3.</summary>
    private const string FourServers = """
        topology { spines = 1, leaves = 1, hosts-per-leaf = 4, host-cpu.cores = 4 }
        servers.hypervisor = kvm

        """;

    private static EntityPlan Plan(string extra) => Parse(FourServers + extra).Datacenter().Plan;

    private static ScenarioException PlanFails(string extra) => Fails(FourServers + extra);

    private static int[] Servers(EntityPlan plan, EntityKind kind, int template) =>
        plan.Entities.Where(e => e.Kind == kind && e.Template == template).Select(e => e.Server).ToArray();

    // ---- VM placement policies ----

    [Fact]
    public void Explicit_placement_must_keep_the_listed_order_and_repeats()
    {
        var plan = Plan("vms = [ { name = e, count = 3, placement = explicit, hosts = [3, 1, 3] } ]");

        Assert.Equal([3, 1, 3], Servers(plan, EntityKind.Vm, 0));
        Assert.Equal([4, 5, 6], plan.Entities.Select(e => e.Endpoint));
        // Pinned cores are handed out in order per server: the second VM on host 3 starts after the first's vCPU.
        Assert.Equal([1, 1, 2], plan.Entities.Select(e => e.FirstPinnedCore)); // from core 1: core 0 is the host kernel's network core
    }

    [Fact]
    public void Round_robin_must_take_the_servers_in_turn_and_skip_a_full_one()
    {
        Assert.Equal([0, 1, 2, 3, 0], Servers(Plan("vms = [ { name = r, count = 5 } ]"), EntityKind.Vm, 0));
        var plan = Plan("""
            vms = [
              { name = big, vcpus = 4, placement = explicit, hosts = [1] }
              { name = r, count = 4, vcpus = 2 }
            ]
            """);
        Assert.Equal([0, 2, 3, 0], Servers(plan, EntityKind.Vm, 1));
    }

    [Fact]
    public void Pack_must_fill_a_server_before_the_next()
    {
        Assert.Equal([0, 0, 1, 1, 2], Servers(Plan("vms = [ { name = p, count = 5, vcpus = 2, placement = pack } ]"), EntityKind.Vm, 0));
        Assert.Equal([3, 3, 3, 3, 1], Servers(Plan("vms = [ { name = p, count = 5, placement = pack, hosts = [3, 1] } ]"), EntityKind.Vm, 0));
    }

    [Fact]
    public void Spread_must_choose_the_server_with_the_fewest_vcpus_lowest_index_first()
    {
        // After a: hosts 0 and 1 hold one vCPU each, 2 and 3 none.
        var plan = Plan("""
            vms = [
              { name = a, count = 2, placement = explicit, hosts = [0, 1] }
              { name = s, count = 4, placement = spread }
              { name = t, count = 3, vcpus = 2, placement = spread }
            ]
            """);

        Assert.Equal([2, 3, 0, 1], Servers(plan, EntityKind.Vm, 1));
        // Now hosts 0 and 1 hold 2 vCPUs, 2 and 3 one: t fills 2 and 3 to 3, then goes to 0.
        Assert.Equal([2, 3, 0], Servers(plan, EntityKind.Vm, 2));
    }

    // ---- capacity ----

    [Fact]
    public void Vcpus_beyond_cores_times_overcommit_must_be_refused_at_count()
    {
        var e = PlanFails("vms = [ { name = web, vcpus = 5 } ]");
        AssertError(e, "vms[0].count", 3, "VM web-0 (5 vCPUs, 2048 MiB) does not fit on any of the 4 servers listed",
            "a server takes at most 4 cores x vcpu-overcommit vCPUs", "0 of 1 VMs were placed");

        Assert.Equal([0, 1, 2, 3], Servers(Plan("servers.vcpu-overcommit = 2\nvms = [ { name = web, vcpus = 5, count = 4 } ]"), EntityKind.Vm, 0));
        AssertError(PlanFails("servers.vcpu-overcommit = 2\nvms = [ { name = web, vcpus = 5, count = 5 } ]"), "vms[0].count", 4,
            "VM web-4 (5 vCPUs", "4 of 5 VMs were placed");
        AssertError(PlanFails("vms = [ { name = web, vcpus = 3, count = 2, placement = explicit, hosts = [0, 0] } ]"), "vms[0].count", 3,
            "VM web-1 (3 vCPUs, 2048 MiB) does not fit on host 0", "1 of 2 VMs were placed");
    }

    [Fact]
    public void Memory_beyond_a_servers_memory_must_be_refused_at_count()
    {
        AssertError(PlanFails("servers.memory = 4GiB\nvms = [\n  { name = web, count = 5, memory = 3GiB }\n]"), "vms[0].count", 5,
            "VM web-4 (1 vCPUs, 3072 MiB) does not fit on any of the 4 servers listed", "4 of 5 VMs were placed");
        // A group's memory counts for its servers: host 2 takes two VMs, the others one.
        var plan = Plan("servers { memory = 4GiB, groups = [ { hosts = [2], hypervisor = kvm, memory = 6GiB } ] }\nvms = [ { name = web, count = 5, memory = 3GiB, placement = pack } ]");
        Assert.Equal([0, 1, 2, 2, 3], Servers(plan, EntityKind.Vm, 0));
    }

    [Fact]
    public void Vms_on_bare_metal_servers_must_be_refused()
    {
        const string Group = "servers.groups = [ { hosts = [2, 3], hypervisor = none } ]\n";

        AssertError(PlanFails(Group + "vms = [ { name = web, count = 2, placement = explicit, hosts = [1, 2] } ]"), "vms[0].hosts", 4,
            "host 2 has no hypervisor", "VM web cannot run on bare metal");
        AssertError(PlanFails(Group + "vms = [ { name = web, hosts = [\"2-3\"] } ]"), "vms[0].hosts", 4,
            "none of the servers listed has a hypervisor", "VM web cannot run on bare metal");
        AssertError("vms = [ { name = web } ]", "vms[0].hosts", 1, "none of the servers listed has a hypervisor");
        Assert.Equal([0, 1, 0], Servers(Plan(Group + "vms = [ { name = web, count = 3 } ]"), EntityKind.Vm, 0));
    }

    [Fact]
    public void Explicit_placement_must_list_one_server_per_vm()
    {
        AssertError(PlanFails("vms = [ { name = web, count = 2, placement = explicit, hosts = [0] } ]"), "vms[0].hosts", 3,
            "placement = explicit needs one server per VM: count = 2, but hosts lists 1");
    }

    // ---- containers ----

    private const string TwoVms = "vms = [ { name = web, count = 2, placement = explicit, hosts = [1, 3] } ]\n";

    [Fact]
    public void Containers_must_go_into_the_vms_of_a_template_in_turn()
    {
        var plan = Plan(TwoVms + "containers = [ { name = c, count = 3, vms = [web] } ]");

        var c = plan.Entities.Where(e => e.Kind == EntityKind.Container).ToList();
        Assert.Equal([1, 3, 1], c.Select(e => e.Server));
        Assert.Equal([0, 1, 0], c.Select(e => e.ParentVm));
        Assert.Equal([0, 0, 1], c.Select(e => e.Slot)); // docker0 slots per VM
        Assert.Equal([6, 7, 8], c.Select(e => e.Endpoint));
        Assert.Equal([4, 5, 4], c.Select((_, i) => plan.KernelEndpointOf(2 + i)));
    }

    [Fact]
    public void Containers_must_go_into_a_vm_named_by_its_own_name()
    {
        var plan = Plan(TwoVms + "containers = [ { name = c, count = 2, vms = [\"web-1\"] } ]");

        var c = plan.Entities.Where(e => e.Kind == EntityKind.Container).ToList();
        Assert.Equal([3, 3], c.Select(e => e.Server));
        Assert.Equal([1, 1], c.Select(e => e.ParentVm));
        Assert.Equal([0, 1], c.Select(e => e.Slot));
    }

    [Fact]
    public void Containers_on_servers_must_follow_their_placement_and_take_bridge_slots_per_kernel()
    {
        var plan = Plan("""
            containers = [
              { name = p, count = 3, placement = pack, hosts = [2, 0] }
              { name = s, count = 3, placement = spread, hosts = [0, 2] }
              { name = m, count = 2, network = macvlan, placement = explicit, hosts = [2, 2] }
            ]
            """);

        Assert.Equal([2, 2, 2], Servers(plan, EntityKind.Container, 0));
        Assert.Equal([0, 2, 0], Servers(plan, EntityKind.Container, 1));
        Assert.Equal([2, 2], Servers(plan, EntityKind.Container, 2));
        Assert.Equal([0, 1, 2, 0, 3, 1, -1, -1], plan.Entities.Select(e => e.Slot));
    }

    [Fact]
    public void Two_containers_publishing_one_host_port_on_one_kernel_must_be_refused()
    {
        AssertError(PlanFails("containers = [\n  { name = c, count = 2, hosts = [0], publish = [\"8080:80\"] }\n]"), "containers[0].publish", 4,
            "container c-1 would publish host port 8080 on host 0, where c-0 publishes it already");
        AssertError(PlanFails("containers = [\n  { name = a, hosts = [1], publish = [\"8080:80\"] }\n  { name = b, hosts = [1], publish = [\"8080:81/udp\"] }\n]"),
            "containers[1].publish", 5, "container b-0 would publish host port 8080 on host 1, where a-0 publishes it already");
        AssertError(PlanFails(TwoVms + "containers = [\n  { name = c, count = 3, vms = [web], publish = [\"53:53\"] }\n]"), "containers[0].publish", 5,
            "container c-2 would publish host port 53 on VM web-0, where c-0 publishes it already");

        // Different kernels, or another protocol, do not clash.
        Assert.Equal(2, Plan("containers = [ { name = c, count = 2, publish = [\"8080:80\"] } ]").Entities.Count);
        Assert.Equal(2, Plan("containers = [ { name = a, hosts = [1], publish = [\"8080:80\"] }, { name = b, hosts = [1], publish = [\"8080:80/tcp\"] } ]").Entities.Count);
    }

    [Fact]
    public void Entities_beyond_the_kernels_event_sources_must_be_refused_at_the_template_that_goes_over()
    {
        // 2^20 event sources: 4 hosts + 2 x (10 + 524,288) entities is over, 4 + 2 x (10 + 524,280) is not.
        var e = PlanFails("containers = [\n  { name = a, count = 10 }\n  { name = b, count = 524288 }\n]");
        AssertError(e, "containers[1].count", 5, "524298 VMs and containers on 4 servers exceed the 1048576 event sources");
        Assert.Single(e.Errors);
    }

    [Fact]
    public void A_template_must_not_be_named_like_another_templates_vm()
    {
        AssertError(PlanFails("vms = [\n  { name = web, count = 2 }\n]\ncontainers = [\n  { name = web-1 }\n]"), "containers[0].name", 7,
            "the name 'web-1' is the name of web's VM or container 1");
        Assert.Equal(3, Plan("vms = [ { name = web, count = 2 } ]\ncontainers = [ { name = web-2 } ]").Entities.Count);
    }

    // ---- endpoints, addresses, reach ----

    [Fact]
    public void Endpoints_must_have_planned_ids_addresses_and_reach()
    {
        var plan = Plan("""
            vms = [ { name = web, placement = explicit, hosts = [1] } ]
            containers = [
              { name = nat, hosts = [2], publish = ["8080:80"] }
              { name = hostnet, network = host, hosts = [2] }
              { name = mv, network = macvlan, hosts = [3] }
              { name = inner, vms = [web-0], publish = ["9000:90/udp"] }
            ]
            """);

        // hosts 0-3, then web-0, nat-0, hostnet-0, mv-0, inner-0.
        Assert.Equal(9, plan.EndpointCount);
        Assert.Equal(["web-0", "nat-0", "hostnet-0", "mv-0", "inner-0"], Enumerable.Range(0, 5).Select(plan.NameOf));
        Assert.True(plan.TryResolve("inner", out var inner));
        Assert.Equal([8], inner);
        Assert.Equal([0, 1, 2, 3, 1, 2, 2, 3, 1], Enumerable.Range(0, 9).Select(plan.ServerOf));

        Assert.Equal(EndpointAddress.Planned(2), plan.AddressOf(2));
        Assert.Equal(new EndpointAddress(4, 0x0200_0000_0004UL, 0x0A00_0004u), plan.AddressOf(4));
        Assert.Equal(new EndpointAddress(5, 0x0242_AC11_0002UL, 0xAC11_0002u), plan.AddressOf(5)); // 172.17.0.2
        Assert.Equal(EndpointAddress.Planned(2) with { Id = 6 }, plan.AddressOf(6));
        Assert.Equal(EndpointAddress.Planned(7), plan.AddressOf(7));
        Assert.Equal(EntityPlan.DockerAddress(8, 0), plan.AddressOf(8)); // the first slot of the VM's own docker0

        // A NATed container is reached at its kernel's address and the published port; unpublished ports reach the kernel.
        Assert.Equal((EndpointAddress.Planned(2), (ushort)8080), plan.Reach(5, 80, PacketHeaders.Udp));
        Assert.Equal((EndpointAddress.Planned(2), (ushort)81), plan.Reach(5, 81, PacketHeaders.Udp));
        Assert.Equal((EndpointAddress.Planned(2), (ushort)80), plan.Reach(5, 80, PacketHeaders.Tcp));
        Assert.Equal((EndpointAddress.Planned(4), (ushort)9000), plan.Reach(8, 90, PacketHeaders.Udp));
        Assert.Equal((EndpointAddress.Planned(7), (ushort)80), plan.Reach(7, 80, PacketHeaders.Udp));
        Assert.Equal((EndpointAddress.Planned(2) with { Id = 6 }, (ushort)80), plan.Reach(6, 80, PacketHeaders.Udp));
        Assert.Equal((EndpointAddress.Planned(4), (ushort)90), plan.Reach(4, 90, PacketHeaders.Udp));
    }

    [Fact]
    public void A_subnet_must_assign_its_templates_addresses_in_order()
    {
        var plan = Plan("vms = [ { name = web, count = 3, subnet = \"192.168.10.0/24\" } ]\n"
            + "containers = [ { name = mv, hosts = [1], network = macvlan, subnet = \"172.30.0.0/30\" } ]");

        // the (ordinal + 1)-th address of the subnet, the planned MAC of the endpoint id
        Assert.Equal([0xC0A8_0A01u, 0xC0A8_0A02u, 0xC0A8_0A03u, 0xAC1E_0001u], Enumerable.Range(4, 4).Select(e => plan.AddressOf(e).Ipv4));
        Assert.Equal(EndpointAddress.Planned(5).Mac, plan.AddressOf(5).Mac);
    }

    [Fact]
    public void Two_endpoints_with_one_address_must_be_refused_at_the_subnet_that_assigns_the_second()
    {
        // 10.0.0.0/30's first address is 10.0.0.1: host 1's planned address
        AssertError(PlanFails("vms = [ { name = web, subnet = \"10.0.0.0/30\" } ]"), "vms[0].subnet", 3,
            "web-0 would have address endpoint 4 (10.0.0.1), already host 1's", "two endpoints with one address");
        AssertError(PlanFails("vms = [ { name = a, subnet = \"192.168.0.0/24\" }, { name = b, subnet = \"192.168.0.0/24\" } ]"), "vms[1].subnet", 3,
            "b-0 would have address", "already a-0");
        AssertError(PlanFails("vms = [ { name = web, count = 3, subnet = \"192.168.0.0/30\" } ]"), "vms[0].subnet", 3,
            "subnet 192.168.0.0/30 has 2 usable addresses, fewer than count = 3 VMs");
        AssertError(PlanFails("vms = [ { name = web, subnet = \"192.168.0.1/24\" } ]"), "vms[0].subnet", 3, "no host bits set");
        AssertError(PlanFails("containers = [ { name = c, network = bridge, subnet = \"192.168.0.0/24\" } ]"), "containers[0].subnet", 3,
            "only a macvlan container has an address of its own");
    }
}
