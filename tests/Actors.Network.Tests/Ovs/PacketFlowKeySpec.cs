using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Ovs;

/// <summary>A packet's 802.1Q tag in the vSwitch's flow key (vlan_tci with the CFI bit, as OVS marks a present tag) and back.</summary>
public sealed class PacketFlowKeySpec
{
    private const ulong Src = 0x0200_0000_0001UL, Dst = 0x0200_0000_0002UL;

    private static Packet Frame(ushort vlan) => new()
    {
        PayloadBytes = 100,
        Headers = new PacketHeaders { SourceMac = Src, DestinationMac = Dst, Protocol = PacketHeaders.Udp, Vlan = vlan },
    };

    [Fact]
    public void Key_must_carry_the_tag_as_vlan_tci_and_the_bare_source_MAC()
    {
        // act
        var tagged = PacketFlowKey.Of(Frame(10), 1);
        var untagged = PacketFlowKey.Of(Frame(0), 1);

        // assert
        Assert.Equal((0x100AUL, Src), (tagged.Get(FlowField.VlanTci), tagged.Get(FlowField.DlSrc)));
        Assert.Equal(0UL, untagged.Get(FlowField.VlanTci));
    }

    [Fact]
    public void Strip_and_push_vlan_must_change_the_packets_tag_and_keep_its_MAC()
    {
        // arrange
        var tagged = Frame(10);
        var untagged = Frame(0);

        // act
        PacketFlowKey.Rewrite(ref tagged, new DatapathActions([new DpPopVlan()]), PacketFlowKey.Of(tagged, 1));
        PacketFlowKey.Rewrite(ref untagged, new DatapathActions([new DpPushVlan(FlowField.EthTypeVlan, (ushort)(FlowField.VlanCfi | 20))]), PacketFlowKey.Of(untagged, 1));

        // assert
        Assert.Equal((Src, (ushort)0), (tagged.Headers.SourceMac, tagged.Headers.Vlan));
        Assert.Equal((Src, (ushort)20), (untagged.Headers.SourceMac, untagged.Headers.Vlan));
    }
}
