using System.Runtime.CompilerServices;

namespace DcSim.SimCore.Wire;

/// <summary>
/// Ethernet framing of an IPv4 packet (calibration.md §1.1): 14 B header + 4 B FCS around the
/// IP packet, padded to a 64 B minimum frame; on the wire each frame also costs an 8 B preamble+SFD
/// and a 12 B inter-frame gap. The gap is counted in the transmission time, so a port is busy for
/// (frame + 20 B) and the last bit of the next frame starts no earlier than that.
/// </summary>
/// <remarks>
/// A TCP header is 20 B plus the timestamps option (12 B with its padding; Linux sends it by default,
/// net.ipv4.tcp_timestamps = 1, which is why the MSS at a 1500 B MTU is 1448 B), plus a SACK option of
/// 2 + 8 B per block padded to 4 + 8 B per block (RFC 2018 §3) when a segment carries SACK blocks.
/// </remarks>
public static class Ethernet
{
    public const int UdpHeaderBytes = 8;
    public const int TcpHeaderBytes = 32;
    public const int Ipv4HeaderBytes = 20;
    public const int HeaderAndFcsBytes = 18;
    /// <summary>The frame check sequence at the end of every frame (in <see cref="HeaderAndFcsBytes"/>).</summary>
    public const int FcsBytes = 4;
    public const int MinFrameBytes = 64;
    public const int PreambleAndGapBytes = 20;
    /// <summary>An 802.1Q tag (TPID and TCI) between the source MAC and the EtherType.</summary>
    public const int VlanTagBytes = 4;

    /// <summary>Frame size (header to FCS) carrying a UDP payload of <paramref name="payloadBytes"/>.</summary>
    public static int FrameBytes(int payloadBytes) => FrameBytes(payloadBytes, UdpHeaderBytes);

    /// <summary>Frame size (header to FCS) carrying <paramref name="payloadBytes"/> behind a transport header of <paramref name="l4HeaderBytes"/>.</summary>
    public static int FrameBytes(int payloadBytes, int l4HeaderBytes) =>
        Math.Max(MinFrameBytes, payloadBytes + l4HeaderBytes + Ipv4HeaderBytes + HeaderAndFcsBytes);

    /// <summary>
    /// Frame size (header to FCS) of <paramref name="packet"/>, by its protocol's header, plus its 802.1Q tag when it
    /// carries one: a NIC or switch inserting a tag adds 4 B to the frame as it is, padding included (a minimum frame
    /// tagged is 68 B).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FrameBytes(in Packet packet) =>
        FrameBytes(packet.PayloadBytes, L4HeaderBytes(in packet.Headers)) + (packet.Headers.Vlan == 0 ? 0 : VlanTagBytes);

    /// <summary>Bytes of line time a UDP frame occupies, preamble and gap included.</summary>
    public static int WireBytes(int payloadBytes) => FrameBytes(payloadBytes) + PreambleAndGapBytes;

    /// <summary>Bytes of line time <paramref name="packet"/>'s frame occupies, preamble and gap included.</summary>
    public static int WireBytes(in Packet packet) => FrameBytes(in packet) + PreambleAndGapBytes;

    /// <summary>The transport header's size: UDP's, or TCP's with timestamps and its SACK blocks.</summary>
    public static int L4HeaderBytes(in PacketHeaders headers) => headers.Protocol == PacketHeaders.Tcp
        ? TcpHeaderBytes + (headers.SackBlocks == 0 ? 0 : 4 + 8 * headers.SackBlocks)
        : UdpHeaderBytes;

    /// <summary>The smallest wire footprint of any frame: 84 B.</summary>
    public const int MinWireBytes = MinFrameBytes + PreambleAndGapBytes;
}
