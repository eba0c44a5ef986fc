using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsNetwork.Tests.Bridges.BridgeRig;

namespace DcSim.ActorsNetwork.Tests.Bridges;

/// <summary>
/// 802.1Q-tagged frames through a bridge without VLAN filtering (the only kind modelled): learned and forwarded by their
/// MAC as any frame, the tag carried through untouched, as Linux does with vlan_filtering = 0.
/// </summary>
public sealed class TaggedFrameSpec
{
    [Fact]
    public void Bridge_must_learn_a_tagged_frames_source_MAC_and_forward_the_reply_by_unicast()
    {
        // arrange: station 0 sends a frame tagged 10 to station 1, which answers untagged
        var rig = new BridgeRig();
        var tagged = Frame(1, Mac(0), Mac(1));
        tagged.Headers.Vlan = 10;
        rig.Stations[0].SendAt(0, tagged);
        rig.Stations[1].SendAt(10 * SimTime.Microsecond, Frame(2, Mac(1), Mac(0)));

        // act
        rig.Run(SimTime.Millisecond);

        // assert: the address learned is station 0's own (not the tag in its high bits), so the reply is not flooded
        Assert.Equal(0, rig.Bridge.Fdb.Lookup(Mac(0), SimTime.Millisecond));
        Assert.Equal([2L], rig.FlowsAt(0));
        Assert.Equal([], rig.FlowsAt(2).Where(f => f == 2));
        Assert.Equal([(Mac(0), (ushort)10)], rig.Stations[1].Received.Select(r => (r.Frame.Headers.SourceMac, r.Frame.Headers.Vlan)));
    }
}
