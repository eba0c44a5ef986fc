using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Tests.TcpModel;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>
/// A vnic = vf-bond VM whose VF is unplugged and plugged back while it sends: its traffic moves to the vhost-net path
/// and back, the host pays for the frames in between, the frames the VF held are lost and counted, and the run conserves
/// and repeats on two partitions.
/// </summary>
public sealed class BondedVfSpec
{
    /// <summary>
    /// v-0 (vf-bond on host 0's 82599) sends 1000 B datagrams to host 1 from 3 ms at <paramref name="rate"/>; its VF is unplugged
    /// at <paramref name="detach"/> and plugged back at 6 ms, up 0.5 ms later and active at the next 1 ms miimon tick (7 ms).
    /// </summary>
    private static TcpRun Run(string rate = "100Mbps", string detach = "5ms", string duration = "10ms", int partitions = 1, bool events = true) => TcpRun.Of($$"""
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        duration = {{duration}}
        servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ]
        vms = [ { name = v, hosts = [0], vnic = vf-bond, bond { miimon = 1ms, vf-ready = 500us } } ]
        {{(events ? $"vf-hotplug = [ {{ at = {detach}, vm = v-0, action = detach }}, {{ at = 6ms, vm = v-0, action = attach }} ]" : "")}}
        traffic.generators = [ { kind = cbr, endpoints = [v-0], destination = fixed, target = 1, start = 3ms, rate = {{rate}} } ]
        """, partitions);

    private static ComponentCounters Bond(TcpRun run) => run.Results.Components["host0/v-0/bond0"];
    private static long Cycles(TcpRun run, CpuCategory category) => run.Results.Components["host0"][Server.CyclesCounter(category)];

    [Fact]
    public void A_bonded_VM_must_send_through_the_VF_then_the_vhost_net_path_then_the_VF_again()
    {
        // act: 2 Gb/s of 1000 B datagrams (one every 4 us); the VF is unplugged at 5.0013 ms, while a frame is in its DMA read
        var run = Run("2Gbps", "5.0013ms");

        // assert: two changes — to the backup at the unplug, back to the VF at the first miimon tick after 6.5 ms
        var bond = Bond(run);
        Assert.Equal((2, 1), (bond["active_changes"], bond["failovers"]));
        Assert.Equal((5_001_300_000L, 0L), (bond["change0_at_ps"], bond["change0_to_vf"]));
        Assert.Equal((7_000_000_000L, 1L), (bond["change1_at_ps"], bond["change1_to_vf"]));
        // no wait at either change: the next datagram takes the new slave, one interval (4 us) after the last on the old one
        Assert.Equal((4_000_000L, 4_000_000L), (bond["change0_tx_gap_ps"], bond["change1_tx_gap_ps"]));
        // every datagram left through one slave; the backup carried those of the 1.9987 ms in between (499.7 intervals)
        var sent = run.Results.Components["host0/v-0/kernel"]["outbound"];
        var backup = bond["backup_tx_packets"];
        Assert.Equal(sent, bond["vf_tx_packets"] + backup);
        Assert.InRange(backup, 499, 500);
        Assert.Equal(bond["vf_tx_packets"], run.Results.Components["host0/v-0/vf-driver"]["packets"]);
        Assert.Equal(backup, run.Results.Components["host0/v-0/eth0"]["packets_from_guest"]);
        // the host pays the vhost-net path for those frames only: vhost 3,250 + br0 600 + NIC driver 800 host-kernel
        // cycles and the 2,000-cycle kick, as a vhost-net VM does (docs/sriov.md); the VF's frames cost the host nothing
        Assert.Equal(4_650 * backup, Cycles(run, CpuCategory.HostKernel));
        Assert.Equal(2_000 * backup, Cycles(run, CpuCategory.Hypervisor));
        // the frame in the VF's DMA read at the unplug is lost, and counted there; the rest arrive
        var flow = run.Results.Flows.Values.Single(f => f.Generator == 0);
        Assert.Equal(new Dictionary<string, long> { ["host0/nic0/vf0:unplugged"] = 1 }, flow.DropsAt);
        Assert.Equal(1, run.Results.Components["host0/nic0"]["vf0_unplug_drops"]);
        Assert.Equal(flow.SentPackets, flow.DeliveredPackets + flow.DroppedPackets + flow.InFlightPackets);
    }

    [Fact]
    public void The_host_must_see_no_work_before_the_unplug_and_no_more_frames_through_the_backup_after_the_failback()
    {
        // act: the same run cut at 5 ms (just before the unplug, whose event cannot be in a shorter run), at 8 ms (1 ms
        // after the failback) and at 10 ms
        var toUnplug = Run("2Gbps", duration: "5ms", events: false);
        var to8 = Run("2Gbps", "5.0013ms", duration: "8ms");
        var full = Run("2Gbps", "5.0013ms");

        // assert
        Assert.Equal((0, 0), (Cycles(toUnplug, CpuCategory.HostKernel), Bond(toUnplug)["backup_tx_packets"]));
        Assert.Equal(Bond(full)["backup_tx_packets"], Bond(to8)["backup_tx_packets"]);
        Assert.Equal(Cycles(full, CpuCategory.HostKernel), Cycles(to8, CpuCategory.HostKernel));
        // 2 ms more at 250,000 datagrams a second, all through the VF
        Assert.Equal(500, Bond(full)["vf_tx_packets"] - Bond(to8)["vf_tx_packets"]);
    }

    [Fact]
    public void A_bonded_VM_must_keep_receiving_through_the_failover_and_the_failback()
    {
        // act: host 1 sends 100 Mb/s of 1000 B datagrams (one every 80 us) to v-0 across the unplug at 5 ms and the
        // failback at 7 ms
        var run = TcpRun.Of("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
            costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
            duration = 10ms
            servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ]
            vms = [ { name = v, hosts = [0], vnic = vf-bond, bond { miimon = 1ms, vf-ready = 500us } } ]
            vf-hotplug = [ { at = 5ms, vm = v-0, action = detach }, { at = 6ms, vm = v-0, action = attach } ]
            traffic.generators = [ { kind = cbr, hosts = [1], destination = fixed, target = v-0, start = 3ms } ]
            """);

        // assert: from the unplug until the VF is up again (6.5 ms) the datagrams reach the guest through the PF (which took
        // the VM's MAC), the bridge (which learned it on the VM's port from the bond's announcement) and virtio: 1.5 ms at
        // one per 80 us. From 6.5 ms the NIC gives them to the VF, but the bond takes the VF back only at its 7 ms miimon
        // tick: what reaches it in between arrives on an inactive slave and is dropped (5 here: frames landing after
        // ~6.95 ms are taken at their interrupt, after 7 ms). One more was in the VF's ring, waiting for its interrupt, at
        // the unplug.
        var bond = Bond(run);
        var flow = run.Results.Flows.Values.Single(f => f.Generator == 0);
        Assert.Equal(19, bond["backup_rx_packets"]);
        Assert.Equal(19, run.Results.Components["host0/br0"]["forwarded"]);
        Assert.Equal(flow.DeliveredPackets, bond["vf_rx_packets"] + bond["backup_rx_packets"]);
        Assert.Equal(new Dictionary<string, long> { ["host0/nic0/vf0:unplugged"] = 1, ["host0/v-0/bond0:inactive-slave"] = 5 }, flow.DropsAt);
        // the receive gap at the failback: from the last frame through the backup (before 6.5 ms) to the first through the VF
        Assert.InRange(bond["change1_rx_gap_ps"], 500_000_000, 600_000_000);
        var summary = new RunSummary(run.Results);
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
    }

    [Fact]
    public void A_VF_unplugged_again_before_the_bond_takes_it_back_must_leave_the_backup_active_until_a_later_plug_in()
    {
        // act: unplugged at 5 ms; plugged at 6 ms and unplugged at 6.2 ms, before it is up (6.5 ms); plugged at 6.3 ms
        // and unplugged at 6.9 ms, up (6.8 ms) but before the bond's 7 ms tick; plugged at 7.5 ms: up at 8 ms, a tick
        var run = TcpRun.Of("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
            costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
            duration = 10ms
            servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ]
            vms = [ { name = v, hosts = [0], vnic = vf-bond, bond { miimon = 1ms, vf-ready = 500us } } ]
            vf-hotplug = [
              { at = 5ms, vm = v-0, action = detach }, { at = 6ms, vm = v-0, action = attach },
              { at = 6.2ms, vm = v-0, action = detach }, { at = 6.3ms, vm = v-0, action = attach },
              { at = 6.9ms, vm = v-0, action = detach }, { at = 7.5ms, vm = v-0, action = attach }
            ]
            traffic.generators = [ { kind = cbr, hosts = [1], destination = fixed, target = v-0, start = 3ms } ]
            """);

        // assert: the pending plug-ins of the VFs unplugged again never made them active; the last one did, at 8 ms
        var bond = Bond(run);
        Assert.Equal((3, 3), (bond["vf_unplugs"], bond["vf_plugs"]));
        Assert.Equal((2, 1), (bond["active_changes"], bond["failovers"]));
        Assert.Equal((5_000_000_000L, 8_000_000_000L), (bond["change0_at_ps"], bond["change1_at_ps"]));
        // from 6.8 ms to 6.9 ms the VF was up but not active: what reached it was dropped there, the rest arrived
        var flow = run.Results.Flows.Values.Single(f => f.Generator == 0);
        Assert.Equal(flow.DeliveredPackets, bond["vf_rx_packets"] + bond["backup_rx_packets"]);
        Assert.Equal(flow.DroppedPackets, bond["inactive_rx_drops"] + run.Results.Components["host0/nic0"]["vf0_unplug_drops"]);
        Assert.True(new RunSummary(run.Results).Conserved);
    }

    [Fact]
    public void A_VF_VM_must_reach_a_bonded_VM_on_its_NIC_without_the_wire_while_the_bonded_VM_has_no_VF()
    {
        // act: w-0 (vf) sends 100 Mb/s to v-0 (vf-bond) on the same NIC; v-0's VF is out from 5 ms to 7 ms
        var run = TcpRun.Of("""
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
            costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
            duration = 10ms
            servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ]
            vms = [ { name = v, hosts = [0], vnic = vf-bond, bond { miimon = 1ms, vf-ready = 500us } }, { name = w, hosts = [0], vnic = vf } ]
            vf-hotplug = [ { at = 5ms, vm = v-0, action = detach }, { at = 6ms, vm = v-0, action = attach } ]
            traffic.generators = [ { kind = cbr, endpoints = [w-0], destination = fixed, target = v-0, start = 3ms } ]
            """);

        // assert: meanwhile the NIC's switch sent v-0's frames to the PF, which took its MAC, and on through the bridge
        var bond = Bond(run);
        Assert.True(bond["backup_rx_packets"] > 15, $"{bond["backup_rx_packets"]} through the backup");
        Assert.Equal(bond["backup_rx_packets"], run.Results.Components["host0/br0"]["forwarded"]);
        Assert.Equal(0, run.Link("host0", "leaf0").TxPackets);
        Assert.True(new RunSummary(run.Results).Conserved);
    }

    [Fact]
    public void A_bonded_run_must_conserve_packets_and_give_the_same_results_on_two_partitions()
    {
        // act
        var one = Run("2Gbps", "5.0013ms");
        var two = Run("2Gbps", "5.0013ms", partitions: 2);

        // assert
        var summary = new RunSummary(one.Results);
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
        Assert.Equal(ResultsCodec.Encode(one.Results), ResultsCodec.Encode(two.Results));
    }
}
