using DcSim.ActorsHost.Tests.TcpModel;
using DcSim.ActorsHost.Servers;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.ActorsHost.Tests.Sriov;

/// <summary>
/// The per-VF scenario keys (vms[i].vf) in scenario runs: port VLANs isolate VMs on one NIC and join them across servers,
/// the rate limit shapes, the interrupt moderation and posted-interrupts choices reach the VF.
/// </summary>
public sealed class SriovVfKeysSpec
{
    /// <summary>Two XL710 servers on one leaf, KVM boots cut to 1 ms of CPU plus 1 ms: VMs run from 2 ms; traffic 3-8 ms.</summary>
    private const string TwoServers = """
        topology { spines = 1, leaves = 1, hosts-per-leaf = 2, host-cpu.idle-exit-latency = 0us }
        costs.hypervisor.kvm { boot-cycles = 2500000, boot-delay = 1ms }
        servers { hypervisor = kvm, nic = xl710 }
        duration = 10ms

        """;

    private static string Cbr(string from, string to) =>
        $"{{ kind = cbr, endpoints = [{from}], destination = fixed, target = {to}, start = 3ms, stop = 8ms }}";

    private static FlowStats Flow(TcpRun run, int generator) => run.Results.Flows.Values.Single(f => f.Generator == generator);

    /// <summary>a-0 and b-0 on host 0, c-0 on host 1, each with a VF; a-0 sends to b-0 and to c-0.</summary>
    private static TcpRun ThreeVms(int vlanA, int vlanB, int vlanC) => TcpRun.Of(TwoServers + $$"""
        vms = [
          { name = a, hosts = [0], vnic = vf, vf.vlan = {{vlanA}} },
          { name = b, hosts = [0], vnic = vf, vf.vlan = {{vlanB}} },
          { name = c, hosts = [1], vnic = vf, vf.vlan = {{vlanC}} }
        ]
        traffic.generators = [ {{Cbr("a-0", "b-0")}}, {{Cbr("a-0", "c-0")}} ]
        """);

    [Fact]
    public void VMs_in_different_port_VLANs_must_not_reach_each_other_through_the_NICs_switch()
    {
        // act
        var isolated = ThreeVms(10, 20, 10);
        var joined = ThreeVms(10, 10, 10);

        // assert: a-0 to b-0 never delivered, not switched inside the NIC, dropped (the leaf filters it back); to c-0, in
        // VLAN 10 on the other server, everything
        var toB = Flow(isolated, 0);
        Assert.True(toB.SentPackets > 50, $"{toB.SentPackets} sent");
        Assert.Equal(0, toB.DeliveredPackets);
        Assert.Equal(toB.SentPackets, toB.DroppedPackets);
        Assert.Equal(0, isolated.Results.Components["host0/nic0"]["internal_switched"]);
        Assert.Equal(0, isolated.Results.Components["host0/nic0"]["vf1_rx_packets"]);
        var toC = Flow(isolated, 1);
        Assert.Equal((toC.SentPackets, 0L), (toC.DeliveredPackets, toC.DroppedPackets));
        // the same VMs in one VLAN: a-0 reaches b-0 inside the NIC
        var sameVlan = Flow(joined, 0);
        Assert.Equal((sameVlan.SentPackets, 0L), (sameVlan.DeliveredPackets, sameVlan.DroppedPackets));
        Assert.Equal(sameVlan.DeliveredPackets, joined.Results.Components["host0/nic0"]["internal_switched"]);
    }

    [Fact]
    public void A_port_VLAN_must_put_4_bytes_more_per_frame_on_the_wire()
    {
        // act
        var tagged = ThreeVms(10, 20, 10);
        var untagged = ThreeVms(0, 20, 0);

        // assert: a-0's frames leave host 0 with the tag: 4 B of line time more each (1,070 B instead of 1,066 B)
        var link = tagged.Link("host0", "leaf0");
        var plain = untagged.Link("host0", "leaf0");
        Assert.Equal(plain.TxPackets, link.TxPackets);
        Assert.Equal(plain.TxWireBytes + 4 * link.TxPackets, link.TxWireBytes);
    }

    [Fact]
    public void A_VF_rate_limit_from_the_scenario_must_shape_what_the_VM_sends()
    {
        // act: 100 Mb/s of 1000 B datagrams through a VF limited to 50 Mb/s of wire bytes (1,066 B a frame: 170.56 us)
        var run = TcpRun.Of(TwoServers + $$"""
            vms = [ { name = a, hosts = [0], vnic = vf, vf.rate-limit = 50Mbps } ]
            traffic.generators = [ {{Cbr("a-0", "1")}} ]
            """);

        // assert: 5 ms of sending at the limit is 29-30 frames by 8 ms, and the rest follow at the limit until the end
        var flow = Flow(run, 0);
        var nic = run.Results.Components["host0/nic0"];
        Assert.True(flow.SentPackets > 60, $"{flow.SentPackets} sent");
        Assert.Equal(0, flow.DroppedPackets);
        Assert.InRange(flow.DeliveredPackets, 40, 41);   // 7 ms / 170.56 us
        Assert.True(nic["vf0_rate_limit_delayed"] > 30, $"{nic["vf0_rate_limit_delayed"]} delayed");
    }

    /// <summary>a-0 sends to b-0, both with VFs on host 0, with the given vf settings for b.</summary>
    private static TcpRun VfToVf(string bSettings) => TcpRun.Of(TwoServers + $$"""
        vms = [ { name = a, hosts = [0], vnic = vf }, { name = b, hosts = [0], vnic = vf, vf { {{bSettings}} } } ]
        traffic.generators = [ {{Cbr("a-0", "b-0")}} ]
        """);

    [Fact]
    public void Posted_interrupts_set_on_a_VF_must_override_the_hypervisor_profile()
    {
        // act: KVM's profile does not post interrupts
        var auto = VfToVf("posted-interrupts = auto");
        var posted = VfToVf("posted-interrupts = true");

        // assert: KVM's injection 1,400 + EOI exit 2,000 per interrupt of b's VF, none when posted
        var hypervisor = Server.CyclesCounter(CpuCategory.Hypervisor);
        var interrupts = auto.Results.Components["host0/nic0"]["vf1_interrupts"];
        Assert.True(interrupts > 50, $"{interrupts} interrupts");
        Assert.Equal(3_400 * interrupts, auto.Results.Components["host0"][hypervisor]);
        Assert.Equal(0, posted.Results.Components["host0"][hypervisor]);
    }

    [Fact]
    public void Interrupt_coalescing_time_0_must_interrupt_at_once_where_the_NICs_default_waits_50_us()
    {
        // act: a frame every 80 us, fewer than the 32-frame threshold in 50 us
        var model = VfToVf("interrupt-coalescing { time = auto, frames = auto }");
        var immediate = VfToVf("interrupt-coalescing.time = 0");

        // assert: one interrupt per frame either way; the default's frames wait out its 50 us timer
        var waited = Flow(model, 0).Latency!;
        var atOnce = Flow(immediate, 0).Latency!;
        Assert.Equal(Flow(immediate, 0).DeliveredPackets, immediate.Results.Components["host0/nic0"]["vf1_interrupts"]);
        Assert.True(waited.MinPs > 50_000_000, $"{waited.MinPs} ps");
        Assert.True(atOnce.MaxPs < 20_000_000, $"{atOnce.MaxPs} ps");
    }
}
