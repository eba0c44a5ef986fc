using Xunit;
using static DcSim.ActorsNic.Tests.SriovRig;

namespace DcSim.ActorsNic.Tests;

/// <summary>A VF unplugged and plugged back (<see cref="SriovNic.DetachVf"/>, <see cref="SriovNic.AttachVf"/>) on an 82599-class part.</summary>
public sealed class SriovNicHotplugSpec
{
    private static readonly ulong Far = 0x02_00_00_00_99_99UL;

    [Fact]
    public void An_unplugged_VF_must_lose_the_frames_it_holds_and_its_MAC_must_reach_the_PF_until_it_is_plugged_back()
    {
        // arrange: five frames for vf0 land by ~6 us and wait for the 50 us interrupt timer; a sixth is in its DMA write
        // at 10 us, when the VF is unplugged; at 20 us a frame for its MAC, at 25 us one the guest still sends; the VF is
        // plugged back at 30 us and a frame for it comes at 40 us
        var rig = new SriovRig(SriovNicModel.Intel82599, [new VfSettings(VfMac(0))]);
        for (var i = 0; i < 5; i++) rig.Leaf.SendAt(i * Us, Frame(1, Far, VfMac(0), sequence: i));
        rig.Leaf.SendAt(8 * Us, Frame(1, Far, VfMac(0), sequence: 5));
        rig.Leaf.SendAt(20 * Us, Frame(2, Far, VfMac(0)));
        rig.Vfs[0].SendAt(25 * Us, Frame(3, VfMac(0), Far));
        rig.Leaf.SendAt(40 * Us, Frame(4, Far, VfMac(0)));

        // act
        rig.Advance(10 * Us);
        rig.Nic.DetachVf(0);
        rig.Advance(30 * Us);
        rig.Nic.AttachVf(0);
        var results = rig.Run(200 * Us);

        // assert: the six frames of flow 1 and the guest's late frame are lost at the VF; the PF got the frame of 20 us,
        // the VF the one of 40 us
        Assert.Equal(7, results.Components["host1/nic0"]["vf0_unplug_drops"]);
        Assert.Equal(6, results.Flows[1].DropsAt["host1/nic0/vf0:unplugged"]);
        Assert.Equal(1, results.Flows[3].DropsAt["host1/nic0/vf0:unplugged"]);
        Assert.Equal([2L], rig.Pf.Received.Select(r => r.Packet.FlowId));
        Assert.Equal([4L], rig.Vfs[0].Received.Select(r => r.Packet.FlowId));
        Assert.True(rig.Nic.IsVfAttached(0));
    }

    [Fact]
    public void Unplugging_an_unplugged_VF_or_plugging_a_plugged_one_must_throw()
    {
        var rig = new SriovRig(SriovNicModel.Intel82599, [new VfSettings(VfMac(0))]);

        Assert.Throws<InvalidOperationException>(() => rig.Nic.AttachVf(0));
        rig.Nic.DetachVf(0);
        Assert.Throws<InvalidOperationException>(() => rig.Nic.DetachVf(0));
    }
}
