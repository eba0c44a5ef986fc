using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsNic.Tests.SriovRig;

namespace DcSim.ActorsNic.Tests;

/// <summary>Every frame the SR-IOV NIC is given is delivered, dropped on a ledger, or in flight, copies included.</summary>
public sealed class SriovNicConservationSpec
{
    [Fact]
    public void Sent_plus_copied_must_equal_delivered_plus_dropped_plus_in_flight_for_every_flow_mid_run()
    {
        // arrange: a 64-descriptor ring on vf0 interrupted after 20 us; 300 frames into it from the wire (flow 1), 5
        // broadcasts (2) and 3 spoofed frames (3) from vf1, 4 frames to nobody from the wire first (4),
        // 50 frames vf0 -> vf1 from 1 us (5)
        var rig = new SriovRig(SriovNicModel.Intel82599 with { RxRingSize = 64 },
            [new VfSettings(VfMac(0), Coalescing: new InterruptCoalescing(20 * Us, 1_000)), new VfSettings(VfMac(1))]);
        var far = 0x02_00_00_00_99_99UL;
        var sent = new Dictionary<long, long> { [1] = 300, [2] = 5, [3] = 3, [4] = 4, [5] = 50 };
        for (var i = 0; i < 4; i++) rig.Leaf.SendAt(0, Frame(4, far, 0x02_00_00_00_77_77UL, sequence: i));
        for (var i = 0; i < 300; i++) rig.Leaf.SendAt(0, Frame(1, far, VfMac(0), 18, sequence: i));
        for (var i = 0; i < 5; i++) rig.Vfs[1].SendAt(0, Frame(2, VfMac(1), 0xFFFF_FFFF_FFFFUL, sequence: i));
        for (var i = 0; i < 3; i++) rig.Vfs[1].SendAt(0, Frame(3, far, VfMac(0), sequence: i));
        for (var i = 0; i < 50; i++) rig.Vfs[0].SendAt(Us, Frame(5, VfMac(0), VfMac(1), sequence: i));

        // act: stop while frames wait on the wire, in the NIC's stages and in vf0's ring
        var results = rig.Run(15 * Us);

        // assert (a broadcast from vf1 reaches vf0, the PF and the wire: 2 copies each)
        var delivered = rig.Vfs.SelectMany(v => v.Received).Concat(rig.Pf.Received).Concat(rig.Leaf.Arrivals)
            .GroupBy(r => r.Packet.FlowId).ToDictionary(g => g.Key, g => (long)g.Count());
        foreach (var (flow, n) in sent)
        {
            var f = results.Flows[flow];
            Assert.Equal(n + f.CopiedPackets, delivered.GetValueOrDefault(flow) + f.DroppedPackets + f.InFlightPackets);
        }
        var one = results.Flows[1];
        Assert.True(one.DroppedPackets > 0, $"dropped {one.DroppedPackets}");
        Assert.Equal(0, results.Components["host1/nic0"]["vf0_rx_packets"]); // its 64 frames are still in the ring
        Assert.Equal((3L, 4L, 10L), (results.Flows[3].DroppedPackets, results.Flows[4].DroppedPackets, results.Flows[2].CopiedPackets));
    }
}
