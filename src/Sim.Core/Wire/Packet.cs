using System.Runtime.InteropServices;

namespace DcSim.SimCore.Wire;

/// <summary>
/// One packet as it travels: a value type so that queues and events hold it inline, without
/// allocation on the hot path. Sizes are the L4 payload; framing is added by <see cref="Ethernet"/>.
/// </summary>
/// <remarks>
/// A packet carries what a real one carries — its <see cref="Headers"/> (MACs, IPv4 addresses, protocol,
/// ports), which switches, bridges, NAT and the OpenFlow model read and may rewrite — plus what only the
/// simulation needs: the endpoints it goes between (the fabric finds the destination's server in the
/// <see cref="LocationTable"/>), the flow it belongs to for the results, the 5-tuple hash derived once
/// when the flow opened, and the application's own bytes (<see cref="App"/>), which no network element reads.
/// A TCP segment's header (<see cref="Tcp"/>) shares its bytes with <see cref="App"/>: a UDP datagram carries the
/// application's bytes in the clear, a TCP segment carries a byte stream whose framing only its endpoints know.
/// 104 bytes in all: events carry packets inline, and every byte is copied per hop.
/// </remarks>
[StructLayout(LayoutKind.Explicit)]
public struct Packet
{
    /// <summary>The flow this packet is counted under in the results (see <see cref="FlowIds"/>): opaque to the network.</summary>
    [FieldOffset(0)] public long FlowId;
    /// <summary>Virtual time at which the application created the packet (ps).</summary>
    [FieldOffset(8)] public long CreatedAt;
    [FieldOffset(16)] public PacketHeaders Headers;
    /// <summary>Endpoint that sent the packet.</summary>
    [FieldOffset(48)] public int SourceEndpoint;
    /// <summary>Endpoint the packet is addressed to; the fabric delivers it to the server that hosts it.</summary>
    [FieldOffset(52)] public int DestinationEndpoint;
    [FieldOffset(56)] public int PayloadBytes;
    /// <summary>Hash of the 5-tuple (<see cref="PacketHeaders.FlowHash"/>), the same for every packet of a flow: what ECMP and RSS use.</summary>
    [FieldOffset(60)] public uint FlowHash;
    /// <summary>Position of the packet in its flow, from 0 (for TCP: its transmission number, retransmissions included).</summary>
    [FieldOffset(64)] public int Sequence;
    /// <summary>A UDP datagram's application bytes.</summary>
    [FieldOffset(68)] public AppData App;
    /// <summary>A TCP segment's header fields beyond <see cref="PacketHeaders"/> (which holds its flags).</summary>
    [FieldOffset(68)] public TcpSegment Tcp;
}

/// <summary>
/// The headers of an Ethernet/IPv4 frame that forwarding decisions read: addresses, protocol and L4 ports.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct PacketHeaders
{
    public const byte Udp = 17;
    public const byte Tcp = 6;

    /// <summary>The 48 bits of a MAC address in a <see cref="ulong"/> (first octet in bits 40-47).</summary>
    public const ulong MacMask = 0xFFFF_FFFF_FFFFUL;

    /// <summary>The highest usable 802.1Q VLAN id: 1 to 4094 tag a frame (0 is "no VLAN", 4095 is reserved).</summary>
    public const ushort MaxVlan = 4094;

    // The source MAC in the low 48 bits and the 802.1Q VLAN id in the 16 above, which is where the tag sits in a real
    // frame (right after the source address): a field of its own would grow the packet past 104 bytes, and every byte
    // is copied per hop. Only SourceMac and Vlan read or write it, so no reader sees the tag in the address.
    private ulong _sourceMacAndVlan;

    /// <summary>The source MAC address (48 bits); setting it keeps the frame's <see cref="Vlan"/>.</summary>
    public ulong SourceMac
    {
        readonly get => _sourceMacAndVlan & MacMask;
        set => _sourceMacAndVlan = (_sourceMacAndVlan & ~MacMask) | (value & MacMask);
    }

    /// <summary>
    /// The frame's 802.1Q VLAN id (1 to <see cref="MaxVlan"/>), or 0 for an untagged frame. A tagged frame is 4 bytes
    /// longer on the wire (<see cref="Ethernet.FrameBytes(in Packet)"/>).
    /// </summary>
    public ushort Vlan
    {
        readonly get => (ushort)(_sourceMacAndVlan >> 48);
        set => _sourceMacAndVlan = (_sourceMacAndVlan & MacMask) | ((ulong)value << 48);
    }

    public ulong DestinationMac;
    public uint SourceIp;
    public uint DestinationIp;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte Protocol;
    /// <summary>The IP header's ECN field (RFC 3168): <see cref="EcnCodepoint"/>.</summary>
    public byte Ecn;
    /// <summary>A TCP segment's flags, with their header bit values (<see cref="TcpFlags"/>); 0 for UDP.</summary>
    public byte TcpFlags;
    /// <summary>How many of <see cref="TcpSegment"/>'s SACK blocks a TCP segment carries (0 to 3).</summary>
    public byte SackBlocks;

    /// <summary>
    /// A hash that is the same for both directions of a conversation (a symmetric RSS key): what keeps a request and its
    /// response on one queue, vCPU or thread. Computed when asked, not carried.
    /// </summary>
    public readonly uint SymmetricHash()
    {
        var a = ((ulong)SourceIp << 16) | SourcePort;
        var b = ((ulong)DestinationIp << 16) | DestinationPort;
        var (low, high) = a < b ? (a, b) : (b, a);
        var h = (low * 0x9E3779B97F4A7C15UL) ^ (high * 0xC2B2AE3D27D4EB4FUL) ^ Protocol;
        return (uint)(h ^ (h >> 29) ^ (h >> 47));
    }

    /// <summary>The 5-tuple's hash (FNV-1a with extra mixing), computed once per flow and carried in <see cref="Packet.FlowHash"/>.</summary>
    public readonly uint FlowHash()
    {
        var h = 2166136261u;
        foreach (var v in (ReadOnlySpan<uint>)[SourceIp, DestinationIp, Protocol, SourcePort, DestinationPort])
        {
            h = (h ^ v) * 16777619u;
            h ^= h >> 13;
        }
        return h;
    }
}

/// <summary>
/// What the application wrote into the payload, for the application at the other end: the network never
/// reads it. <see cref="Kind"/>'s values belong to the applications (Actors.Host); <see cref="Stamp"/> is a
/// time the application wants back (a request's creation time, echoed in its response).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct AppData
{
    public byte Kind;
    /// <summary>Last packet of an application message (a response, a sized flow).</summary>
    public bool EndOfMessage;
    public long Stamp;
}

/// <summary>
/// Packs and unpacks flow ids so that they are unique without coordination: (source endpoint, application,
/// flow number). The endpoint — not the server — names the flow, so a flow keeps its id when its endpoint moves.
/// </summary>
public static class FlowIds
{
    public const int MaxEndpoints = 1 << 23;

    public static long Make(int sourceEndpoint, int application, long flowNumber) =>
        ((long)sourceEndpoint << 40) | ((long)(application & 0xFF) << 32) | (flowNumber & 0xFFFF_FFFF);

    public static int SourceEndpoint(long flowId) => (int)(flowId >> 40);
    public static int Application(long flowId) => (int)((flowId >> 32) & 0xFF);
    public static long Number(long flowId) => flowId & 0xFFFF_FFFF;

    /// <summary>
    /// The other direction of a connection (a TCP peer's segments): the same id with the top bit of its number flipped, so that it stays
    /// unique without the peer coordinating anything. Connection numbers stay below 2^31.
    /// </summary>
    public static long Reverse(long flowId) => flowId ^ (1L << 31);

    /// <summary>The id a connection's results are kept under: the direction its opener sends.</summary>
    public static long Forward(long flowId) => flowId & ~(1L << 31);
}
