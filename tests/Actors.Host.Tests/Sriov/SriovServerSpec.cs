using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Tests.TcpModel;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>
/// Servers with an SR-IOV NIC, run in process: a VM with a VF bypasses the host (its driver runs on the vCPUs), VF-to-VF
/// traffic stays inside the NIC, and the runs conserve packets and repeat on two partitions.
/// </summary>
public sealed class SriovServerSpec
{
    /// <summary>Two servers on one leaf, C-states off, KVM boots cut to 1 ms of CPU plus 1 ms: VMs run from 2 ms.</summary>
    private const string TwoServers = """
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        duration = 10ms

        """;

    /// <summary>100 Mb/s of 1000 B datagrams from VM v-0 (on host 0, with the given vNIC and NIC) to host 1, from 3 ms.</summary>
    private static TcpRun VmToHost(string vnic, string nic, int partitions = 1) => TcpRun.Of(TwoServers + $$"""
        servers.groups = [ { hosts = [0], hypervisor = kvm, nic = {{nic}} } ]
        vms = [ { name = v, hosts = [0], vnic = {{vnic}} } ]
        traffic.generators = [ { kind = cbr, endpoints = [v-0], destination = fixed, target = 1, start = 3ms } ]
        """, partitions);

    private static long Busy(TcpRun run, string server, CpuCategory category) => run.Results.Components[server][CpuCategories.BusyCounter(category)];

    [Fact]
    public void A_VM_with_a_VF_must_send_without_host_kernel_work_where_a_vhost_net_VM_needs_it()
    {
        // act
        var vf = VmToHost("vf", "82599");
        var vhost = VmToHost("vhost-net", "plain");

        // assert: every datagram is delivered both ways
        var flow = vf.Results.Flows.Values.Single(f => f.Generator == 0);
        Assert.True(flow.SentPackets > 80, $"{flow.SentPackets} sent");
        Assert.Equal(flow.SentPackets, flow.DeliveredPackets + flow.InFlightPackets);
        Assert.Equal(0, flow.DroppedPackets);
        // the VF VM's server: no host-kernel work at all, the guest's driver and stack on its vCPU; vhost-net: the vhost
        // worker, the bridge and the NIC driver in the host kernel
        Assert.Equal(0, Busy(vf, "host0", CpuCategory.HostKernel));
        Assert.True(Busy(vf, "host0", CpuCategory.GuestKernel) > 0);
        Assert.True(Busy(vhost, "host0", CpuCategory.HostKernel) > 0);
        Assert.True(Busy(vf, "host0", CpuCategory.GuestKernel) < Busy(vhost, "host0", CpuCategory.GuestKernel) + Busy(vhost, "host0", CpuCategory.HostKernel));
    }

    [Fact]
    public void The_guest_VF_driver_must_cost_its_transmit_cycles_per_frame_on_the_vCPU()
    {
        // act
        var run = VmToHost("vf", "82599");

        // assert: the VF driver hop charged 500 cycles (reference.conf costs.vf.driver-tx) for each frame the guest sent
        var driver = run.Results.Components["host0/v-0/vf-driver"];
        var sent = run.Results.Flows.Values.Single(f => f.Generator == 0).SentPackets;
        Assert.Equal(sent, driver["packets"]);
        Assert.Equal(500 * sent, driver["cycles"]);
    }

    [Fact]
    public void VF_to_VF_traffic_on_one_server_must_never_reach_the_wire()
    {
        // act
        var run = VfToVf();

        // assert
        var flow = run.Results.Flows.Values.Single(f => f.Generator == 0);
        Assert.True(flow.DeliveredPackets > 80, $"{flow.DeliveredPackets} delivered");
        Assert.Equal(0, flow.DroppedPackets);
        Assert.Equal(0, run.Link("host0", "leaf0").TxPackets);
        Assert.Equal(0, run.Link("leaf0", "host0").TxPackets);
        var nic = run.Results.Components["host0/nic0"];
        // every delivered frame crossed the NIC's internal switch
        Assert.InRange(nic["internal_switched"], flow.DeliveredPackets, flow.SentPackets);
        Assert.Equal(0, Busy(run, "host0", CpuCategory.HostKernel));
    }

    /// <summary>v-0 sends 100 Mb/s of 1000 B datagrams to v-1, both with VFs of one XL710 server.</summary>
    private static TcpRun VfToVf(string hypervisor = "") => TcpRun.Of(TwoServers + hypervisor + """

        servers.groups = [ { hosts = [0], hypervisor = kvm, nic = xl710 } ]
        vms = [ { name = v, hosts = [0], vnic = vf, count = 2 } ]
        traffic.generators = [ { kind = cbr, endpoints = [v-0], destination = fixed, target = v-1, start = 3ms } ]
        """);

    [Fact]
    public void A_VF_interrupt_must_cost_the_injection_and_EOI_exits_unless_interrupts_are_posted()
    {
        // act
        var exits = VfToVf();
        var posted = VfToVf("costs.hypervisor.kvm.posted-interrupts = true");

        // assert: KVM's injection 1,400 + EOI exit 2,000 per interrupt of the receiving VF; none when posted
        var interrupts = exits.Results.Components["host0/nic0"]["vf1_interrupts"];
        Assert.True(interrupts > 50, $"{interrupts} interrupts");
        Assert.Equal(3_400 * interrupts, exits.Results.Components["host0"][Server.CyclesCounter(CpuCategory.Hypervisor)]);
        Assert.Equal(interrupts, posted.Results.Components["host0/nic0"]["vf1_interrupts"]);
        Assert.Equal(0, posted.Results.Components["host0"][Server.CyclesCounter(CpuCategory.Hypervisor)]);
    }

    [Fact]
    public void A_VF_VM_and_the_host_on_one_server_must_reach_each_other_through_the_PF()
    {
        // act: the VM sends to its own server's host stack, which answers (udp-rr)
        var run = TcpRun.Of(TwoServers + """
            servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599 } ]
            vms = [ { name = v, hosts = [0], vnic = vf }, { name = w, hosts = [0], vnic = vhost-net } ]
            traffic.generators = [
              { kind = udp-rr, endpoints = [v-0], destination = fixed, target = 0, start = 3ms },
              { kind = udp-rr, endpoints = [v-0], destination = fixed, target = w-0, start = 3ms }
            ]
            """);

        // assert: both loops run, nothing on the wire
        var rows = UdpRrResults.Rows(run.Results);
        Assert.All(rows, r => Assert.True(r.Transactions > 50, $"generator {r.Generator}: {r.Transactions} transactions"));
        Assert.All(rows, r => Assert.Equal(0, r.Lost));
        Assert.Equal(0, run.Link("host0", "leaf0").TxPackets);
    }

    [Fact]
    public void An_SR_IOV_run_must_conserve_packets_and_give_the_same_results_on_two_partitions()
    {
        // act
        var one = VmToHost("vf", "82599");
        var two = VmToHost("vf", "82599", partitions: 2);

        // assert
        var summary = new RunSummary(one.Results);
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
        Assert.Equal(ResultsCodec.Encode(one.Results), ResultsCodec.Encode(two.Results));
    }
}
