using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// A frame's 802.1Q VLAN id. <see cref="PacketHeaders"/> has no field for it and no spare byte, so the tag rides in the
/// 16 bits above the 48-bit source MAC, which is where it sits in a real frame (right after the source address); 0 means
/// untagged. Only the SR-IOV NIC writes it; a proper field in Sim.Core is left for the integration (docs/sriov.md).
/// </summary>
public static class VlanTag
{
    /// <summary>The 48 bits of a MAC address in a <see cref="ulong"/>.</summary>
    public const ulong MacMask = 0xFFFF_FFFF_FFFFUL;

    /// <summary>The 12-bit VLAN ids 1 to 4094 are usable (0 is "no VLAN", 4095 reserved).</summary>
    public const ushort MaxVlan = 4094;

    private const ulong GroupBit = 0x0100_0000_0000UL;

    public static ushort Of(in PacketHeaders headers) => (ushort)(headers.SourceMac >> 48);

    /// <summary>Sets (or with 0 strips) the tag.</summary>
    public static void Set(ref PacketHeaders headers, ushort vlan) => headers.SourceMac = (headers.SourceMac & MacMask) | ((ulong)vlan << 48);

    public static ulong SourceMac(in PacketHeaders headers) => headers.SourceMac & MacMask;

    /// <summary>Broadcast or multicast: the group bit of the first octet.</summary>
    public static bool IsGroup(ulong mac) => (mac & GroupBit) != 0;
}
