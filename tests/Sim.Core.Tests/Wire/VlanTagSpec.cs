using System.Runtime.CompilerServices;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Wire;

/// <summary>A frame's 802.1Q VLAN id: a header of its own to every reader, in the packet's existing bytes, 4 B on the wire.</summary>
public sealed class VlanTagSpec
{
    private const ulong Mac = 0x0200_0000_0042UL;

    [Fact]
    public void Vlan_must_leave_the_source_MAC_as_it_was_when_set_and_cleared()
    {
        // arrange
        var h = new PacketHeaders { SourceMac = Mac, DestinationMac = 0x0200_0000_0007UL };

        // act
        h.Vlan = PacketHeaders.MaxVlan;
        var tagged = (h.SourceMac, h.Vlan);
        h.Vlan = 0;

        // assert
        Assert.Equal((Mac, (ushort)4094), tagged);
        Assert.Equal((Mac, (ushort)0), (h.SourceMac, h.Vlan));
    }

    [Fact]
    public void Source_MAC_rewrite_must_keep_the_tag()
    {
        // arrange
        var h = new PacketHeaders { SourceMac = Mac, Vlan = 10 };

        // act: a NAT or OpenFlow rewrite of the address, with a value carrying stray high bits
        h.SourceMac = 0xFFFF_0200_0000_0099UL;

        // assert
        Assert.Equal((0x0200_0000_0099UL, (ushort)10), (h.SourceMac, h.Vlan));
    }

    [Fact]
    public void A_tagged_frame_must_be_4_bytes_longer_on_the_wire_padding_included()
    {
        // arrange: 1000 B and 1 B of UDP payload (a 1046 B frame and a padded 64 B one)
        var big = new Packet { PayloadBytes = 1000, Headers = new PacketHeaders { Protocol = PacketHeaders.Udp } };
        var small = new Packet { PayloadBytes = 1, Headers = new PacketHeaders { Protocol = PacketHeaders.Udp } };

        // act
        var untagged = (Ethernet.FrameBytes(in big), Ethernet.FrameBytes(in small));
        big.Headers.Vlan = 7;
        small.Headers.Vlan = 7;

        // assert
        Assert.Equal((1046, 64), untagged);
        Assert.Equal((1050, 68), (Ethernet.FrameBytes(in big), Ethernet.FrameBytes(in small)));
        Assert.Equal(1070, Ethernet.WireBytes(in big));
    }

    [Fact]
    public void The_tag_must_not_grow_the_packet()
    {
        Assert.Equal(104, Unsafe.SizeOf<Packet>());
    }
}
