using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Tests.TcpModel;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>
/// VF exhaustion under servers.vf-exhaustion = vswitch (VMs beyond the NIC's VFs on the vm-switch, beside the VF VMs), and the
/// host's NIC driver cost, charged once whether the NIC is plain or SR-IOV.
/// </summary>
public sealed class SriovFallbackSpec
{
    private const string TwoServers = """
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 100000, boot-delay = 1ms }
        duration = 10ms

        """;

    /// <summary>100 Mb/s of 1000 B datagrams from 3 to 8 ms; a source that is a number is that host.</summary>
    private static string Cbr(string from, string to) =>
        $"{{ kind = cbr, {(char.IsDigit(from[0]) ? $"hosts = [{from}]" : $"endpoints = [{from}]")}, destination = fixed, target = {to}, start = 3ms, stop = 8ms }}";

    [Fact]
    public void VMs_beyond_the_VFs_must_fall_back_to_the_vm_switch_and_talk_with_VF_VMs_and_other_servers()
    {
        // act: 64 VMs asking for a VF on an 82599 (63 VFs): v-63 gets vhost-net on br0
        var run = TcpRun.Of(TwoServers + $$"""
            servers.groups = [ { hosts = [0], hypervisor = kvm, nic = 82599, vcpu-overcommit = 64, vf-exhaustion = vswitch } ]
            vms = [ { name = v, hosts = [0], vnic = vf, count = 64, memory = 1GiB } ]
            traffic.generators = [ {{Cbr("v-63", "v-0")}}, {{Cbr("v-0", "v-63")}}, {{Cbr("v-63", "1")}}, {{Cbr("1", "v-63")}}, {{Cbr("v-1", "1")}} ]
            """);

        // assert: the assignment is reported, each VM has its kind of vNIC
        var assignment = run.Results.Components["host0/vf-assignment"];
        Assert.Equal((63, 1, 0, 62, -1), (assignment["vf_vms"], assignment["fallback_vms"], assignment["v-0"], assignment["v-62"], assignment["v-63"]));
        Assert.Contains("host0/v-63/eth0", run.Results.Components.Keys);
        Assert.DoesNotContain("host0/v-63/vf-driver", run.Results.Components.Keys);
        Assert.Contains("host0/v-0/vf-driver", run.Results.Components.Keys);
        // every flow delivers everything it sent, and the run conserves
        for (var g = 0; g < 5; g++)
        {
            var flow = run.Results.Flows.Values.Single(f => f.Generator == g);
            Assert.True(flow.SentPackets > 50, $"generator {g}: {flow.SentPackets} sent");
            Assert.True((flow.SentPackets, 0L) == (flow.DeliveredPackets, flow.DroppedPackets),
                $"generator {g}: sent {flow.SentPackets}, delivered {flow.DeliveredPackets}, dropped {flow.DroppedPackets}");
        }
        var summary = new RunSummary(run.Results);
        Assert.True(summary.Conserved, $"non-conserved flows: {string.Join(",", summary.NonConservedFlows)}");
        // v-63 and v-0 meet inside the NIC (PF and VF), never on the wire: only the host 1 flows cross it
        var wireOut = run.Link("host0", "leaf0").TxPackets;
        var toHost1 = run.Results.Flows.Values.Where(f => f.Generator is 2 or 4).Sum(f => f.DeliveredPackets);
        Assert.Equal(toHost1, wireOut);
    }

    /// <summary>A vhost-net VM on host 0 (with the given NIC) exchanging 100 Mb/s each way with host 1.</summary>
    private static TcpRun VhostNet(string nic) => TcpRun.Of(TwoServers + $$"""
        servers.groups = [ { hosts = [0], hypervisor = kvm, nic = {{nic}} } ]
        vms = [ { name = v, hosts = [0], vnic = vhost-net } ]
        traffic.generators = [ {{Cbr("v-0", "1")}}, {{Cbr("1", "v-0")}} ]
        """);

    [Fact]
    public void A_vhost_net_VM_must_cost_the_host_the_same_cycles_per_packet_on_an_SR_IOV_NIC_as_on_a_plain_one()
    {
        // act
        var plain = VhostNet("plain");
        var sriov = VhostNet("82599");

        // assert: the same frames, the same host-kernel cycles: the NIC driver's receive (2,200) is charged by the PF's ring
        // driver instead of nic0-driver, and only there
        var packets = plain.Results.Flows.Values.Sum(f => f.DeliveredPackets);
        Assert.Equal(packets, sriov.Results.Flows.Values.Sum(f => f.DeliveredPackets));
        var hostKernel = Server.CyclesCounter(CpuCategory.HostKernel);
        Assert.Equal(plain.Results.Components["host0"][hostKernel], sriov.Results.Components["host0"][hostKernel]);
        var received = sriov.Results.Flows.Values.Single(f => f.Generator == 1).DeliveredPackets;
        Assert.Equal(plain.Results.Components["host0/nic0-driver"]["cycles"] - 2_200 * received, sriov.Results.Components["host0/nic0-driver"]["cycles"]);
    }
}
