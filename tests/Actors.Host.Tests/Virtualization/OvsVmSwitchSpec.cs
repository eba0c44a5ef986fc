using Xunit;

namespace DcSim.ActorsHost.Tests.Virtualization;

/// <summary>
/// VMs on Open vSwitch (vm-switch = ovs): the switch knows its VMs and the host from their announcements, and sends
/// unicast for MACs it has not learned to the uplink, as ARP would have taught it; and server groups with free stacks.
/// </summary>
public sealed class OvsVmSwitchSpec
{
    private const string TwoVmsOnOvs = VirtualizedRuns.TwoServers + """
        duration = 6ms
        topology.vswitch.enabled = true
        servers { hypervisor = kvm, vm-switch = ovs }
        vms = [ { name = web, count = 2, hosts = [0] } ]

        """;

    [Fact]
    public void A_VM_sending_to_another_server_must_not_flood_the_other_VMs_or_the_host()
    {
        // act: web-0 sends to host 1; web-1 and host 0 must see none of it.
        var results = VirtualizedRuns.Run(TwoVmsOnOvs + """
            traffic.generators = [ { kind = cbr, endpoints = [web-0], destination = fixed, target = 1, rate = 10Mbps, start = 2ms } ]
            """);

        // assert
        var flow = results.Flows.Values.Single();
        Assert.True(flow.DeliveredPackets > 0);
        Assert.Equal(0, flow.DroppedPackets);
        Assert.Equal(0, flow.CopiedPackets);
        Assert.Equal(flow.SentPackets, flow.DeliveredPackets + flow.InFlightPackets);
    }

    [Fact]
    public void Traffic_from_the_wire_to_a_VM_must_reach_only_that_VM()
    {
        // act
        var results = VirtualizedRuns.Run(TwoVmsOnOvs + """
            traffic.generators = [ { kind = cbr, hosts = [1], destination = fixed, target = web-1, rate = 10Mbps, start = 2ms } ]
            """);

        // assert
        var flow = results.Flows.Values.Single();
        Assert.True(flow.DeliveredPackets > 0);
        Assert.Equal(0, flow.CopiedPackets);
        Assert.Equal(0, flow.DroppedPackets);
    }

    [Fact]
    public void A_group_with_free_stacks_must_charge_its_servers_nothing_while_the_others_pay()
    {
        // act
        var results = VirtualizedRuns.Run(VirtualizedRuns.TwoServers + """
            duration = 2ms
            servers.groups = [ { hosts = [0], stack-costs = free } ]
            traffic.generators = [ { kind = cbr, hosts = [0], destination = fixed, target = 1, rate = 100Mbps } ]
            """);

        // assert
        Assert.True(results.Flows.Values.Single().DeliveredPackets > 0);
        Assert.Equal(0, VirtualizedRuns.ServerCycles(results, "host0"));
        Assert.True(VirtualizedRuns.ServerCycles(results, "host1") > 0);
    }

    [Fact]
    public void A_datapath_core_with_a_full_backlog_must_drop_arriving_packets_rather_than_queue_them()
    {
        // act: 14.88 Mpps out of host 0, whose one PMD core needs 150 + 30 cycles a packet at 2.5 GHz (13.9 Mpps) and holds
        // at most 100 packets; the stacks cost nothing (servers.stack-costs = free does not make the vSwitch free).
        var results = VirtualizedRuns.Run("""
            duration = 1ms
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu { idle-exit-latency = 0us, max-backlog = 100 }
              vswitch { enabled = true, datapath = netdev, datapath-cores = 1, handler-cores = 1 } }
            servers.stack-costs = free
            traffic.generators = [ { kind = cbr, hosts = [0], destination = fixed, target = 1, rate = "100%", packet-size = 64B, packet-size-of = frame } ]
            """);

        // assert: the excess is dropped at the vSwitch's input and nothing waits more than the backlog.
        var flow = results.Flows.Values.Single();
        Assert.True(flow.DropsAt.GetValueOrDefault("host0:vswitch:backlog") > 500, string.Join(", ", flow.DropsAt));
        Assert.Equal(["host0:vswitch:backlog"], flow.DropsAt.Keys);
        // At most a backlog at each end plus the frames on the wire (without the drop: 900 more, queued on the core).
        Assert.True(flow.InFlightPackets <= 250, $"{flow.InFlightPackets} in flight");
        Assert.True(flow.DeliveredPackets > 12_000, $"{flow.DeliveredPackets} delivered");
    }

    [Fact]
    public void A_VM_on_a_server_with_free_stacks_must_run_at_once_whatever_servers_are_built_after_it()
    {
        // act: host 0 (free) is built before host 1 (not free); a VM there boots in no time, one on host 1 runs from 2 ms.
        var results = VirtualizedRuns.Run(VirtualizedRuns.TwoServers + """
            duration = 3ms
            servers { hypervisor = kvm, groups = [ { hosts = [0], hypervisor = kvm, stack-costs = free } ] }
            vms = [ { name = a, hosts = [0] }, { name = b, hosts = [1] } ]
            traffic.generators = [ { kind = cbr, endpoints = [a, b], destination = fixed, target = 0, rate = 100Mbps } ]
            """);

        // assert: 1000 B at 100 Mb/s is a datagram every 80 us: 37 or 38 in 3 ms from a, 12 or 13 in the last 1 ms from b.
        var sent = results.Flows.Values.ToDictionary(f => f.Source, f => f.SentPackets);
        Assert.InRange(sent[2], 37, 38);
        Assert.InRange(sent[3], 12, 13);
    }
}
