using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsNic.Tests.SriovRig;

namespace DcSim.ActorsNic.Tests;

/// <summary>
/// The SR-IOV NIC's embedded switch on an 82599-class part (10 Gb/s, PCIe 2.0 x8 = 32 Gb/s of DMA each way, 1 us of DMA
/// latency, 48 B of PCIe overhead a frame): classification, switching between functions, replication, VLANs, anti-spoof.
/// Every function is interrupted per frame and has no driver cost, so a frame reaches its end when it lands.
/// </summary>
public sealed class SriovNicSwitchSpec
{
    private static readonly SriovNicModel Model = SriovNicModel.Intel82599;
    private static readonly InterruptCoalescing PerFrame = InterruptCoalescing.PerFrame;

    private static VfSettings Vf(int i, ushort vlan = 0, bool spoofCheck = true) => new(VfMac(i), vlan, spoofCheck, Coalescing: PerFrame);

    [Fact]
    public void Frames_from_the_wire_must_reach_the_function_of_their_MAC_and_VLAN_and_no_other()
    {
        // arrange: vf0 untagged, vf1 on VLAN 10; a PF that is not promiscuous
        var rig = new SriovRig(Model, [Vf(0), Vf(1, vlan: 10)]);
        var far = 0x02_00_00_00_99_99UL;
        rig.Leaf.SendAt(0, Frame(1, far, VfMac(0)));
        rig.Leaf.SendAt(0, Frame(2, far, VfMac(1), vlan: 10));
        rig.Leaf.SendAt(0, Frame(3, far, VfMac(1)));             // vf1's MAC without its VLAN: no match
        rig.Leaf.SendAt(0, Frame(4, far, 0x02_00_00_00_77_77UL)); // unknown unicast: no match
        rig.Leaf.SendAt(0, Frame(5, far, PfMac));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal([1L], rig.Vfs[0].Received.Select(r => r.Packet.FlowId));
        Assert.Equal([2L], rig.Vfs[1].Received.Select(r => r.Packet.FlowId));
        Assert.Equal([5L], rig.Pf.Received.Select(r => r.Packet.FlowId));
        var c = results.Components["host1/nic0"];
        Assert.Equal((5, 2, 1, 1, 1), (c["wire_rx_packets"], c["rx_no_match"], c["vf0_rx_packets"], c["vf1_rx_packets"], c["pf_rx_packets"]));
        Assert.Equal(1, results.Flows[3].DropsAt["host1/nic0:no-match"]);
        Assert.Equal(1, results.Flows[4].DropsAt["host1/nic0:no-match"]);
    }

    [Fact]
    public void Unknown_unicast_from_the_wire_must_reach_a_promiscuous_PF()
    {
        var rig = new SriovRig(Model, [Vf(0)], pfPromiscuous: true);
        rig.Leaf.SendAt(0, Frame(4, 0x02_00_00_00_99_99UL, 0x02_00_00_00_77_77UL));
        var results = rig.Run(SimTime.Millisecond);
        Assert.Equal([4L], rig.Pf.Received.Select(r => r.Packet.FlowId));
        Assert.Equal(0, results.Components["host1/nic0"]["rx_no_match"]);
    }

    [Fact]
    public void VF_to_VF_frames_must_stay_off_the_wire_and_take_the_internal_switch_time()
    {
        // arrange: vf0 posts ten 1000 B frames (1046 B frames) for vf1 at once
        var rig = new SriovRig(Model, [Vf(0), Vf(1)]);
        for (var i = 0; i < 10; i++) rig.Vfs[0].SendAt(0, Frame(1, VfMac(0), VfMac(1), sequence: i));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: DMA reads take (1046 + 48) B at 32 Gb/s = 273.5 ns each, the switch 1046 B at 10 Gb/s = 836.8 ns each:
        // the switch sets the pace; the first lands after read (273.5) + latency (1000) + switch (836.8) + write (273.5)
        // + latency (1000)
        var times = rig.Vfs[1].Received.Select(r => r.Time).ToList();
        Assert.Equal(10, times.Count);
        Assert.Equal(3_383_800, times[0]);
        Assert.All(times.Zip(times.Skip(1)), t => Assert.Equal(836_800, t.Second - t.First));
        Assert.Empty(rig.Leaf.Arrivals);
        var c = results.Components["host1/nic0"];
        Assert.Equal((0, 10, 10, 10), (c["wire_tx_packets"], c["internal_switched"], c["vf0_tx_packets"], c["vf1_rx_packets"]));
    }

    [Fact]
    public void A_broadcast_must_be_copied_to_every_other_function_in_its_VLAN_and_the_wire()
    {
        // arrange: vf0, vf1 and vf3 on VLAN 10, vf2 on VLAN 20; vf0 broadcasts
        var rig = new SriovRig(Model, [Vf(0, vlan: 10), Vf(1, vlan: 10), Vf(2, vlan: 20), Vf(3, vlan: 10)]);
        rig.Vfs[0].SendAt(0, Frame(1, VfMac(0), 0xFFFF_FFFF_FFFFUL));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert: vf1, vf3, the PF and the wire get it, vf2 does not: 4 deliveries of 1 frame are 3 copies, and the frame
        // is conserved (1 sent + 3 copied = 4 received)
        var received = new[] { rig.Vfs[1], rig.Vfs[2], rig.Vfs[3], rig.Pf }.Select(e => e.Received.Count).Append(rig.Leaf.Arrivals.Count);
        Assert.Equal([1, 0, 1, 1, 1], received);
        var flow = results.Flows[1];
        Assert.Equal((3L, 0L, 0L), (flow.CopiedPackets, flow.DroppedPackets, flow.InFlightPackets));
        Assert.Equal(3, results.Components["host1/nic0"]["internal_switched"]);
    }

    [Fact]
    public void A_port_VLAN_must_be_inserted_on_transmit_and_stripped_on_receive_and_kept_towards_the_PF()
    {
        // arrange: vf0 on VLAN 10 sends to the wire and to the PF; the wire sends to vf0 on VLAN 10
        var rig = new SriovRig(Model, [Vf(0, vlan: 10)]);
        var far = 0x02_00_00_00_99_99UL;
        rig.Vfs[0].SendAt(0, Frame(1, VfMac(0), far));
        rig.Vfs[0].SendAt(0, Frame(2, VfMac(0), PfMac));
        rig.Leaf.SendAt(0, Frame(3, far, VfMac(0), vlan: 10));

        // act
        rig.Run(SimTime.Millisecond);

        // assert: tagged on the wire and at the PF (a trunk), untagged in the guest; the MACs themselves are untouched
        Assert.Equal([(10, VfMac(0))], rig.Leaf.Arrivals.Select(a => ((int)a.Packet.Headers.Vlan, a.Packet.Headers.SourceMac)));
        Assert.Equal([10], rig.Pf.Received.Select(r => (int)r.Packet.Headers.Vlan));
        Assert.Equal([(0, far)], rig.Vfs[0].Received.Select(r => ((int)r.Packet.Headers.Vlan, r.Packet.Headers.SourceMac)));
    }

    [Fact]
    public void A_spoofed_source_MAC_or_a_guest_tag_under_a_port_VLAN_must_be_dropped_and_counted_per_VF()
    {
        // arrange: vf0 sends with vf1's MAC; vf1 (port VLAN 10) sends a frame it tagged itself; vf2 without spoof check
        // sends with a foreign MAC and gets through
        var rig = new SriovRig(Model, [Vf(0), Vf(1, vlan: 10), Vf(2, spoofCheck: false)]);
        var far = 0x02_00_00_00_99_99UL;
        rig.Vfs[0].SendAt(0, Frame(1, VfMac(1), far));
        rig.Vfs[0].SendAt(0, Frame(2, VfMac(0), far));
        rig.Vfs[1].SendAt(0, Frame(3, VfMac(1), far, vlan: 20));
        rig.Vfs[2].SendAt(0, Frame(4, 0x02_00_00_00_55_55UL, far));

        // act
        var results = rig.Run(SimTime.Millisecond);

        // assert
        Assert.Equal([2L, 4L], rig.Leaf.Arrivals.Select(a => a.Packet.FlowId).Order());
        var c = results.Components["host1/nic0"];
        Assert.Equal((1, 1, 0, 2), (c["vf0_spoof_drops"], c["vf1_spoof_drops"], c["vf2_spoof_drops"], c["wire_tx_packets"]));
        Assert.Equal(1, results.Flows[1].DropsAt["host1/nic0/vf0:spoof"]);
        Assert.Equal(1, results.Flows[3].DropsAt["host1/nic0/vf1:spoof"]);
    }

    [Fact]
    public void A_NIC_must_refuse_more_VFs_than_its_model_has()
    {
        var vfs = Enumerable.Range(0, 64).Select(i => Vf(i)).ToList();
        var e = Assert.Throws<ArgumentException>(() => new SriovNic("host1/nic0", Model, new PfSettings(PfMac, false, PerFrame), vfs));
        Assert.Contains("at most 63", e.Message);
        Assert.Equal(128, new SriovNic("n", SriovNicModel.IntelXl710, new PfSettings(PfMac, false, PerFrame), [.. vfs, .. vfs.Select(v => v with { Mac = v.Mac + 100 })]).VfCount);
    }
}
