using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>
/// The scenario keys of issue 9 (servers, vms, containers, costs, host-cpu's C-states, generators' endpoints and
/// target names): every bad value is an error at FILE:LINE: KEY that says what is wrong, and a scenario that sets
/// every key reads back from its resolved form to the same settings.
/// </summary>
public sealed class VirtualizationScenarioSpec
{
    // ---- servers ----

    [Fact]
    public void Servers_keys_must_be_known_words_and_in_range()
    {
        var e = Fails("""
            servers {
              hypervisor = vmware
              vm-switch = ovs-dpdk
              memory = 512KiB
              vcpu-overcommit = 0
              stack-costs = none
            }
            """);

        AssertError(e, "servers.hypervisor", 2, "'vmware' is not one of none, kvm, xen, esxi");
        AssertError(e, "servers.vm-switch", 3, "'ovs-dpdk' is not one of linux-bridge, ovs");
        AssertError(e, "servers.memory", 4, "must be at least 1048576 B, got '512KiB'");
        AssertError(e, "servers.vcpu-overcommit", 5, "must be at least 1, got 0");
        AssertError(e, "servers.stack-costs", 6, "'none' is not one of linux, free");
        Assert.Equal(5, e.Errors.Count);
    }

    [Fact]
    public void Server_groups_must_be_objects_with_valid_keys_and_hosts()
    {
        var e = Fails("""
            servers.groups = [
              { hosts = ["0-3"], hypervisor = hyperv }
              { hosts = [40], memory = 1GiB }
              { vcpu-overcommit = 65, hosts = [1] }
              { hosts = [2], vm-switch = bridge }
              5
              { hypervisor = kvm }
            ]
            """);

        AssertError(e, "servers.groups[0].hypervisor", 2, "'hyperv' is not one of none, kvm, xen, esxi");
        AssertError(e, "servers.groups[1].hosts[0]", 3, "host '40' is out of range: the topology has 32 hosts, 0-31");
        AssertError(e, "servers.groups[2].vcpu-overcommit", 4, "must be at most 64, got 65");
        AssertError(e, "servers.groups[3].vm-switch", 5, "'bridge' is not one of linux-bridge, ovs");
        AssertError(e, "servers.groups[4]", 6, "expected a server group", "found");
        AssertError(e, "servers.groups[5].hosts", 7, "the list of hosts is empty");
        Assert.Equal(6, e.Errors.Count);
    }

    [Fact]
    public void A_server_in_two_groups_must_be_an_error_at_the_second_group()
    {
        AssertError("""
            servers.groups = [
              { hosts = ["0-3"], hypervisor = kvm }
              { hosts = [6, 3], hypervisor = xen }
            ]
            """, "servers.groups[1].hosts", 3, "host 3 is already in servers.groups[0]", "one group at most");
    }

    [Fact]
    public void Vm_switch_ovs_must_need_an_enabled_vswitch()
    {
        // The server's VMs would be wired to a vSwitch that is never built.
        AssertError("servers {\n  hypervisor = kvm\n  vm-switch = ovs\n}\nvms = [ { name = web } ]\n", "servers.vm-switch", 3,
            "vm-switch = ovs attaches the VMs to the Open vSwitch of topology.vswitch, which is disabled", "topology.vswitch.enabled = true");
        AssertError("servers.groups = [\n  { hosts = [1], hypervisor = kvm, vm-switch = ovs }\n]\n", "servers.groups[0].vm-switch", 2, "which is disabled");
        Assert.Equal(VmSwitchKind.Ovs, Parse("topology.vswitch.enabled = true\nservers.vm-switch = ovs\n").Datacenter().Virtualization.DefaultProfile.VmSwitch);
    }

    [Fact]
    public void Servers_groups_must_be_a_list()
    {
        AssertError("servers {\n  groups = { hosts = all }\n}\n", "servers.groups", 2, "expected a list of server objects", "found");
    }

    // ---- vms ----

    [Fact]
    public void Vm_keys_must_be_valid()
    {
        var e = Fails("""
            vms = [
              { count = 2 }
              { name = "9lives" }
              { name = a0, count = 0 }
              { name = a1, hosts = [32] }
              { name = a2, placement = packed }
              { name = a3, vcpus = 0 }
              { name = a4, memory = 1KiB }
              { name = a5, pinning = dedicated }
              { name = a6, vnic = virtio }
              { name = a7, start = 10ms }
              { name = a8, start = 2ms, stop = 1ms }
              { name = a9, cpu-load = 1.5 }
              { name = b0, cpu-slice = 0 }
              { name = b1, cpu-load = -0.1 }
              { name = b2, hosts = ["5-2"] }
              { name = b3, stop = 2ms, start = 2ms }
              { name = "web.0" }
              { name = b4, cpu-load = lots, hosts = [] }
            ]
            """);

        AssertError(e, "vms[0].name", 2, "missing: every template needs a name");
        AssertError(e, "vms[1].name", 3, "'9lives' is not a valid name", "starts with a letter");
        AssertError(e, "vms[2].count", 4, "must be at least 1, got 0");
        AssertError(e, "vms[3].hosts[0]", 5, "host '32' is out of range: the topology has 32 hosts, 0-31");
        AssertError(e, "vms[4].placement", 6, "'packed' is not one of explicit, round-robin, pack, spread", "did you mean 'pack'?");
        AssertError(e, "vms[5].vcpus", 7, "must be at least 1, got 0");
        AssertError(e, "vms[6].memory", 8, "must be at least 1048576 B, got '1KiB'");
        AssertError(e, "vms[7].pinning", 9, "'dedicated' is not one of floating, pinned");
        AssertError(e, "vms[8].vnic", 10, "'virtio' is not one of vhost-net, qemu, vhost-user");
        AssertError(e, "vms[9].start", 11, "start 10ms is not before the end of the scenario (duration = 10ms)");
        AssertError(e, "vms[10].stop", 12, "stop 1ms must be after start 2ms");
        AssertError(e, "vms[11].cpu-load", 13, "expected a share from 0 to 1", "got '1.5'");
        AssertError(e, "vms[12].cpu-slice", 14, "must be greater than 0, got '0'");
        AssertError(e, "vms[13].cpu-load", 15, "expected a share from 0 to 1", "got '-0.1'");
        AssertError(e, "vms[14].hosts[0]", 16, "expected a host index or a range \"a-b\" with a <= b, got '5-2'");
        AssertError(e, "vms[15].stop", 17, "stop 2ms must be after start 2ms");
        AssertError(e, "vms[16].name", 18, "'web.0' is not a valid name");
        AssertError(e, "vms[17].cpu-load", 19, "got 'lots'");
        AssertError(e, "vms[17].hosts", 19, "the list of hosts is empty");
        Assert.Equal(19, e.Errors.Count);
    }

    [Fact]
    public void Vms_must_be_a_list_of_objects()
    {
        AssertError("vms = { name = web }\n", "vms", 1, "expected a list of VM objects", "found");
        AssertError("vms = [\n  web\n]\n", "vms[0]", 2, "expected a VM template { name = web, count = 4, vcpus = 2 }, found");
    }

    [Fact]
    public void Template_names_must_be_unique_over_vms_and_containers()
    {
        var e = Fails("""
            servers.hypervisor = kvm
            vms = [ { name = web }, { name = db } ]
            containers = [
              { name = db }
              { name = cache }
              { name = cache }
            ]
            """);

        AssertError(e, "containers[0].name", 4, "the name 'db' is used by another VM or container template");
        AssertError(e, "containers[2].name", 6, "the name 'cache' is used by another VM or container template");
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void A_duplicate_name_must_be_reported_at_its_own_template_when_an_earlier_template_is_bad()
    {
        // vms[0] does not read, so the templates that did are one fewer than the sections: the duplicate is still containers[0]'s.
        var e = Fails("""
            servers.hypervisor = kvm
            vms = [
              { name = a, count = 0 }
              { name = web }
            ]
            containers = [
              { name = web }
            ]
            """);

        AssertError(e, "vms[0].count", 3, "must be at least 1");
        AssertError(e, "containers[0].name", 7, "the name 'web' is used by another VM or container template");
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void Vhost_user_must_need_ovs_with_a_netdev_datapath_on_the_vms_servers()
    {
        AssertError("""
            topology.vswitch.enabled = true
            servers.hypervisor = kvm
            vms = [ { name = web, vnic = vhost-user, hosts = [0, 1] } ]
            """, "vms[0].vnic", 3, "vnic = vhost-user attaches to an OVS netdev (DPDK) datapath", "(host 0 has vm-switch = linux-bridge)");
        var e = AssertError("""
            topology.vswitch.enabled = true
            servers { hypervisor = kvm, vm-switch = ovs }
            vms = [ { name = web, vnic = vhost-user } ]
            """, "vms[0].vnic", 3, "datapath = netdev");
        Assert.DoesNotContain("(host", e.Message);
        AssertError("""
            topology.vswitch { enabled = true, datapath = netdev }
            servers { hypervisor = kvm, vm-switch = ovs, groups = [ { hosts = [5], hypervisor = kvm } ] }
            vms = [ { name = web, vnic = vhost-user, hosts = ["4-6"] } ]
            """, "vms[0].vnic", 3, "(host 5 has vm-switch = linux-bridge)");
    }

    [Fact]
    public void Vhost_user_must_be_accepted_on_ovs_netdev_servers()
    {
        var v = Parse("""
            topology.vswitch { enabled = true, datapath = netdev }
            servers { hypervisor = kvm, vm-switch = ovs }
            vms = [ { name = web, vnic = vhost-user, count = 2 } ]
            """).Datacenter().Virtualization;

        Assert.Equal(VnicBackend.VhostUser, Assert.Single(v.Vms).Vnic);
    }

    // ---- containers ----

    [Fact]
    public void Container_keys_must_be_valid()
    {
        var e = Fails("""
            containers = [
              { name = c0, runtime = rkt }
              { name = c1, network = overlay }
              { name = c2, publish = ["8080"] }
              { name = c3, publish = ["8080:80/sctp"] }
              { name = c4, publish = ["0:80"] }
              { name = c5, publish = ["8080:80", "8080:81"] }
              { name = c6, network = host, publish = ["8080:80"] }
              { name = c7, publish = "8080:80" }
              { name = c8, vms = "web" }
              { name = c9, count = 0, start = -1ms }
              { name = d0, placement = scatter, hosts = all }
              { name = d1, publish = ["8080:80/udp", "8080:80"] }
              { name = d2, publish = ["8080:65536"] }
              { name = d3, network = none, publish = ["53:53/udp"] }
              { name = d4, vms = [""] }
              { name = d5, start = 1ms, stop = 0s }
              {}
            ]
            """);

        AssertError(e, "containers[0].runtime", 2, "'rkt' is not one of docker, lxc");
        AssertError(e, "containers[1].network", 3, "'overlay' is not one of bridge, host, macvlan, none");
        AssertError(e, "containers[2].publish[0]", 4, "expected \"HOST:CONTAINER\" or \"HOST:CONTAINER/udp\"", "got '8080'");
        AssertError(e, "containers[3].publish[0]", 5, "got '8080:80/sctp'");
        AssertError(e, "containers[4].publish[0]", 6, "with ports 1-65535, got '0:80'");
        AssertError(e, "containers[5].publish[1]", 7, "host port 8080 is published twice");
        AssertError(e, "containers[6].publish", 8, "ports are published through the NAT of network = bridge; network = host has none to publish");
        AssertError(e, "containers[7].publish", 9, "expected a list of ports such as [\"8080:80\", \"5353:53/udp\"], found");
        AssertError(e, "containers[8].vms", 10, "expected a list of VM names or VM template names", "found");
        AssertError(e, "containers[9].count", 11, "must be at least 1, got 0");
        AssertError(e, "containers[9].start", 11, "must not be negative, got '-1ms'");
        AssertError(e, "containers[10].placement", 12, "'scatter' is not one of explicit, round-robin, pack, spread");
        AssertError(e, "containers[11].publish[1]", 13, "host port 8080 is published twice"); // no protocol is UDP
        AssertError(e, "containers[12].publish[0]", 14, "got '8080:65536'");
        AssertError(e, "containers[13].publish", 15, "network = none has none to publish");
        AssertError(e, "containers[14].vms[0]", 16, "expected a VM name");
        AssertError(e, "containers[15].stop", 17, "stop 0s must be after start 1ms");
        AssertError(e, "containers[16].name", 18, "missing: every template needs a name");
        Assert.Equal(18, e.Errors.Count);
    }

    [Fact]
    public void Containers_must_name_existing_vms()
    {
        AssertError("""
            servers.hypervisor = kvm
            vms = [ { name = web, count = 2 } ]
            containers = [ { name = db, vms = ["web-1", "web-2"] } ]
            """, "containers[0].vms[1]", 3, "no VM or VM template is named 'web-2' (VM templates: web)");
        AssertError("""
            containers = [
              { name = db, vms = [web] }
            ]
            """, "containers[0].vms[0]", 2, "no VM or VM template is named 'web' (VM templates: none)");
    }

    [Theory]
    [InlineData("8080:80", 8080, 80, PacketHeaders.Udp)]
    [InlineData("8080:80/udp", 8080, 80, PacketHeaders.Udp)]
    [InlineData("443:8443/tcp", 443, 8443, PacketHeaders.Tcp)]
    [InlineData("65535:1", 65535, 1, PacketHeaders.Udp)]
    public void Published_ports_must_read_as_docker_writes_them(string text, int host, int container, byte protocol)
    {
        Assert.True(ScenarioVirtualizationReader.TryParsePublish(text, out var port));
        Assert.Equal(new PublishedPort((ushort)host, (ushort)container, protocol), port);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData(":80")]
    [InlineData("8080:")]
    [InlineData("8080:80/")]
    [InlineData("8080:80/UDP")]
    [InlineData("8080:80/sctp")]
    [InlineData("0:80")]
    [InlineData("8080:0")]
    [InlineData("65536:80")]
    [InlineData("-1:80")]
    [InlineData("+8080:80")]
    [InlineData("8080:80:90")]
    [InlineData("127.0.0.1:8080:80")]
    public void Published_ports_must_refuse_what_is_not_host_colon_container(string text)
    {
        Assert.False(ScenarioVirtualizationReader.TryParsePublish(text, out _));
    }

    // ---- costs ----

    [Fact]
    public void Costs_must_be_whole_cycles_non_negative_per_byte_and_times()
    {
        var e = Fails("""
            costs {
              stack.send { cycles = -5 }
              stack.receive.per-byte = -0.5
              stack.app.per-byte = lots
              nic.tx-latency = -1us
              nic.rx-latency = fast
              hypervisor.kvm.kick = 1.5
              hypervisor.xen.posted-interrupts = maybe
              hypervisor.esxi.boot-delay = 5
              vnic.qemu.to-guest.cycles = many
              container.nat.per-byte = Infinity
              runtime.lxc.start-delay = -9ms
              runtime.docker.netns-setup = soon
              host-path.bridge-forward.per-byte = NaN
              vnic.vhost-user.from-guest-user = 300
            }
            """);

        AssertError(e, "costs.stack.send.cycles", 2, "expected a whole number of cycles, at least 0, got '-5'");
        AssertError(e, "costs.stack.receive.per-byte", 3, "expected cycles per payload byte, a number at least 0", "got '-0.5'");
        AssertError(e, "costs.stack.app.per-byte", 4, "got 'lots'");
        AssertError(e, "costs.nic.tx-latency", 5, "must not be negative, got '-1us'");
        AssertError(e, "costs.nic.rx-latency", 6, "fast");
        AssertError(e, "costs.hypervisor.kvm.kick", 7, "expected a whole number of cycles, at least 0, got '1.5'");
        AssertError(e, "costs.hypervisor.xen.posted-interrupts", 8, "'maybe' is not one of");
        AssertError(e, "costs.hypervisor.esxi.boot-delay", 9, "5");
        AssertError(e, "costs.vnic.qemu.to-guest.cycles", 10, "got 'many'");
        AssertError(e, "costs.container.nat.per-byte", 11, "got 'Infinity'");
        AssertError(e, "costs.runtime.lxc.start-delay", 12, "must not be negative, got '-9ms'");
        AssertError(e, "costs.runtime.docker.netns-setup", 13, "soon");
        AssertError(e, "costs.host-path.bridge-forward.per-byte", 14, "got 'NaN'");
        AssertError(e, "costs.vnic.vhost-user.from-guest-user", 15, "expected", "found");
        Assert.Equal(14, e.Errors.Count);
    }

    // ---- host-cpu's C-states ----

    [Fact]
    public void Idle_exit_latency_and_threshold_must_be_times_of_at_least_0()
    {
        var e = Fails("""
            topology.host-cpu {
              idle-exit-latency = -1us
              idle-threshold = soon
            }
            """);

        AssertError(e, "topology.host-cpu.idle-exit-latency", 2, "must not be negative, got '-1us'");
        AssertError(e, "topology.host-cpu.idle-threshold", 3, "soon");
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal((0L, 0L), Parse("topology.host-cpu { idle-exit-latency = 0us, idle-threshold = 0 }").Datacenter().Server is var s
            ? (s.IdleExitPs, s.IdleThresholdPs) : default);
    }

    // ---- generators: endpoints and target names ----

    private const string TwoWebVms = """
        servers.hypervisor = kvm
        vms = [ { name = web, count = 2 } ]
        containers = [ { name = db, hosts = [3] } ]

        """;

    [Fact]
    public void Generator_endpoints_and_targets_must_name_vms_or_containers()
    {
        var e = Fails(TwoWebVms + """
            traffic.generators = [
              { kind = cbr, endpoints = [web, dbx] }
              { kind = cbr, destination = fixed, target = web }
              { kind = cbr, destination = fixed, target = nope }
              { kind = cbr, endpoints = "web" }
              { kind = cbr, endpoints = [{ a = 1 }] }
            ]
            """);

        AssertError(e, "traffic.generators[0].endpoints[1]", 5, "no VM or container (or template) is named 'dbx'", "templates: web, db");
        AssertError(e, "traffic.generators[1].target", 6, "expected a host index or the name of one VM or container, got 'web'");
        AssertError(e, "traffic.generators[2].target", 7, "got 'nope'", "(VMs and containers are NAME-0, NAME-1, ...)");
        AssertError(e, "traffic.generators[3].endpoints", 8, "expected a list of VM or container names", "found");
        AssertError(e, "traffic.generators[4].endpoints[0]", 9, "no VM or container (or template) is named ''");
        Assert.Equal(5, e.Errors.Count);
    }

    [Fact]
    public void A_target_name_must_say_that_there_are_no_vms_or_containers_when_there_are_none()
    {
        AssertError("traffic.generators = [\n  { kind = cbr, destination = fixed, target = web-0 }\n]\n",
            "traffic.generators[0].target", 2, "got 'web-0'", "the scenario has no VMs or containers");
    }

    [Fact]
    public void A_numeric_target_must_be_a_host_index_not_a_vm_endpoint_id()
    {
        // 32 hosts; endpoints 32-34 are web-0, web-1 and db-0, reachable by name only.
        AssertError(TwoWebVms + "traffic.generators = [ { kind = cbr, destination = fixed, target = 32 } ]\n",
            "traffic.generators[0].target", 4, "target 32 is not a host: the topology has 32 hosts, 0-31");
    }

    [Fact]
    public void An_unchecked_numeric_target_beyond_every_endpoint_must_be_written_back_as_a_number()
    {
        // destination = random never reads the target; the resolved scenario must not take 99 for an entity's id.
        var s = Parse(TwoWebVms + "traffic.generators = [ { destination = random, target = 99 } ]\n");

        Assert.Contains("    target = 99\n", s.ResolvedHocon);
        Assert.Equal(99, Assert.Single(Parse(s.ResolvedHocon).Datacenter().Generators).TargetHost);
    }

    [Fact]
    public void Generator_endpoints_and_target_names_must_resolve_to_endpoint_ids()
    {
        var g = Parse(TwoWebVms + """
            traffic.generators = [
              { kind = cbr, endpoints = [web, db-0], destination = fixed, target = web-1 }
              { kind = cbr, hosts = [1], endpoints = [web-1], destination = incast, target = db-0 }
            ]
            """).Datacenter().Generators;

        Assert.Equal([32, 33, 34], g[0].Hosts);
        Assert.Equal(33, g[0].TargetHost);
        Assert.Equal([1, 33], g[1].Hosts);
        Assert.Equal(34, g[1].TargetHost);
    }

    // ---- the resolved scenario ----

    private const string EveryKey = """
        topology {
          spines = 1
          leaves = 2
          hosts-per-leaf = 4
          host-cpu { cores = 6, clock = 3GHz, idle-exit-latency = 3us, idle-threshold = 25us }
          vswitch { enabled = true, datapath = netdev }
        }
        servers {
          hypervisor = kvm
          vm-switch = ovs
          memory = 64GiB
          vcpu-overcommit = 2
          stack-costs = free
          groups = [
            { hosts = ["4-6"], hypervisor = xen, vm-switch = linux-bridge, memory = 32GiB, vcpu-overcommit = 3 }
            { hosts = [7], hypervisor = none }
          ]
        }
        vms = [
          { name = web, count = 3, hosts = [2, 0, 2], placement = explicit, vcpus = 4, memory = 3GiB, pinning = pinned,
            vnic = vhost-user, start = 1ms, stop = 8ms, cpu-load = 0.375, cpu-slice = 4ms }
          { name = "xen_vm", count = 2, hosts = ["4-6"], placement = spread, vcpus = 3, memory = 1536MiB, vnic = qemu, cpu-load = 1 }
          { name = packed, count = 2, hosts = [0, 1, 3], placement = pack, vnic = vhost-net, stop = "" }
        ]
        containers = [
          { name = db, count = 2, runtime = lxc, network = bridge, vms = ["web-0", "web-2"], placement = explicit, publish = ["5353:53", "8443:443/tcp"],
            start = 2ms, stop = 9ms }
          { name = cache, count = 3, network = host, hosts = [7, 5], placement = spread }
          { name = lb, network = macvlan, vms = ["xen_vm-1"], placement = pack }
          { name = off, network = none, hosts = all }
        ]
        costs {
          stack { send { cycles = 1, per-byte = 0.5 }, receive { cycles = 2, per-byte = 0.125 }, app { cycles = 3, per-byte = 0 } }
          nic { tx-latency = 2us, rx-latency = 700ns }
          host-path { nic-receive.cycles = 4, nic-transmit.per-byte = 1.5, ip-forward.cycles = 0, bridge-forward.cycles = 7 }
          hypervisor {
            kvm { kick = 11, posted-interrupts = true, boot-delay = 1s }
            xen { exit-to-user = 12, vcpu-wake = 13, boot-cycles = 99 }
            esxi { injection = 14, eoi-exit = 15, timer-exit = 16, posted-injection = 17 }
          }
          vnic { vhost-net.to-guest.cycles = 18, qemu.from-guest-user.per-byte = 0.0625, vhost-user.to-guest-user.cycles = 19 }
          container { veth.cycles = 20, macvlan.per-byte = 2, nat.cycles = 21, conntrack-lookup.cycles = 22, conntrack-new.cycles = 23 }
          runtime { docker { netns-setup = 1ms, start-delay = 2ms }, lxc { netns-setup = 3ms, start-delay = 4ms } }
        }
        traffic.generators = [
          { kind = cbr, endpoints = [web-0, db], hosts = [1], destination = fixed, target = db-1 }
          { kind = cbr, endpoints = [cache], destination = incast, target = lb-0, rate = 1Mbps }
        ]
        """;

    [Fact]
    public void Resolved_hocon_of_every_new_key_must_parse_back_to_the_same_settings()
    {
        var original = Parse(EveryKey);
        var again = Parse(original.ResolvedHocon);

        var v = original.Datacenter().Virtualization;
        Assert.Equal(new ServerProfile(HypervisorKind.Kvm, VmSwitchKind.Ovs, 64L << 30, 2), v.DefaultProfile);
        Assert.Equal([4, 5, 6], v.Groups[0].Hosts);
        Assert.Equal(new ServerProfile(HypervisorKind.None, VmSwitchKind.LinuxBridge, 256L << 30, 1), v.Groups[1].Profile);
        Assert.True(v.FreeStacks);
        Assert.Equal(new VmTemplate(0, "web", 3, [2, 0, 2], Placement.Explicit, 4, 3L << 30, VcpuPinning.Pinned, VnicBackend.VhostUser,
            SimTime.Millisecond, 8 * SimTime.Millisecond, 0.375, 4 * SimTime.Millisecond), v.Vms[0]);
        Assert.Equal(long.MaxValue, v.Vms[2].StopPs);
        Assert.Equal(new ContainerTemplate(0, "db", 2, ContainerRuntime.Lxc, ContainerNetwork.Bridge, Enumerable.Range(0, 8).ToList(), ["web-0", "web-2"],
            Placement.Explicit, [new PublishedPort(5353, 53, PacketHeaders.Udp), new PublishedPort(8443, 443, PacketHeaders.Tcp)],
            2 * SimTime.Millisecond, 9 * SimTime.Millisecond), v.Containers[0]);
        Assert.Equal([7, 5], v.Containers[1].Hosts);
        Assert.Equal(new StepCost(1, 0.5), v.Costs.Stack.Send);
        Assert.Equal(0.0625, v.Costs.Qemu.FromGuestUser.CyclesPerByte);
        Assert.True(v.Costs.Kvm.PostedInterrupts);
        Assert.Equal(3 * SimTime.Millisecond, v.Costs.Lxc.NetnsSetupPs);
        Assert.Equal((3 * SimTime.Microsecond, 25 * SimTime.Microsecond), (original.Datacenter().Server.IdleExitPs, original.Datacenter().Server.IdleThresholdPs));

        var (o, r) = (original.Datacenter(), again.Datacenter());
        Assert.Equal(o.Virtualization.Groups, r.Virtualization.Groups);
        Assert.Equal(o.Virtualization.Vms, r.Virtualization.Vms);
        Assert.Equal(o.Virtualization.Containers, r.Virtualization.Containers);
        Assert.Equal(o.Virtualization, r.Virtualization);
        Assert.Equal((o.Topology, o.Server), (r.Topology, r.Server));
        // GeneratorSettings compares its Hosts list by reference, so o == r cannot hold for a scenario with generators: compare them here.
        Assert.Equal([[1, 8, 15, 16], [17, 18, 19]], o.Generators.Select(g => g.Hosts)); // web-0 is 8, db-0 15, cache-0 17
        Assert.Equal(o.Generators.Select(g => g.Hosts), r.Generators.Select(g => g.Hosts));
        Assert.Equal(o.Generators.Select(g => g with { Hosts = Array.Empty<int>() }), r.Generators.Select(g => g with { Hosts = Array.Empty<int>() }));
        Assert.Equal(original.Datacenter().Plan.Entities, again.Datacenter().Plan.Entities);
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
    }

    [Fact]
    public void Virtualization_settings_equality_must_see_every_new_key()
    {
        var v = Parse(EveryKey).Datacenter().Virtualization;

        Assert.NotEqual(v, Parse(EveryKey.Replace("cpu-load = 0.375", "cpu-load = 0.5")).Datacenter().Virtualization);
        Assert.NotEqual(v, Parse(EveryKey.Replace("hosts = [7, 5]", "hosts = [5, 7]")).Datacenter().Virtualization);
        Assert.NotEqual(v, Parse(EveryKey.Replace("\"8443:443/tcp\"", "\"8443:443/udp\"")).Datacenter().Virtualization);
        Assert.NotEqual(v, Parse(EveryKey.Replace("{ hosts = [7], hypervisor = none }", "{ hosts = [7], hypervisor = none, memory = 1GiB }")).Datacenter().Virtualization);
        Assert.NotEqual(v, Parse(EveryKey.Replace("lxc { netns-setup = 3ms", "lxc { netns-setup = 5ms")).Datacenter().Virtualization);
    }
}
