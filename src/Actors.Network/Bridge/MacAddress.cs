namespace DcSim.ActorsNetwork.Bridges;

/// <summary>
/// The tests a bridge makes on a 48-bit MAC address held in a <see cref="ulong"/> (first octet in bits 40-47, as
/// <see cref="SimCore.Wire.PacketHeaders"/> carries it), after Linux's include/linux/etherdevice.h.
/// </summary>
public static class MacAddress
{
    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public const ulong Broadcast = 0xFFFF_FFFF_FFFFUL;

    private const ulong GroupBit = 0x0100_0000_0000UL;

    /// <summary>The group bit (the low bit of the first octet) is set: multicast, and with it broadcast (<c>is_multicast_ether_addr</c>).</summary>
    public static bool IsGroup(ulong mac) => (mac & GroupBit) != 0;

    /// <summary>A station's own address: neither a group address nor all zeros (<c>is_valid_ether_addr</c>).</summary>
    public static bool IsValidSource(ulong mac) => !IsGroup(mac) && (mac & Broadcast) != 0;
}
