using System.Buffers.Binary;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Capture;

/// <summary>
/// The bytes a capture on a port would see for a <see cref="Packet"/>: the simulator carries header fields, not bytes, so the
/// frame is synthesized from them, header by header, with the lengths the model charges on the wire.
/// </summary>
/// <remarks>
/// Layout: Ethernet II (the packet's MACs), an 802.1Q tag when the packet has a VLAN, IPv4 (20 B, no options: version 4, DSCP 0
/// with the packet's ECN bits, total length = 20 + the transport header + the payload, identification = the packet's position in
/// its flow mod 2^16, DF set, TTL 64, the protocol, a correct header checksum, the packet's addresses), then UDP (8 B, the ports,
/// length, checksum) or TCP as the model sizes it (<see cref="Ethernet.L4HeaderBytes"/>: 20 B, NOP NOP and the timestamps option,
/// then NOP NOP and a SACK option when the segment carries blocks), with the segment's sequence and acknowledgement numbers, flags
/// (ECE and CWR included) and a correct checksum. The payload is zeros (the application's bytes are not modelled), so checksums
/// over it are those of the whole segment although only <see cref="SnapLength"/> bytes are kept. What the model has no field for:
/// the receive window travels unscaled in bytes and the model's SYN carries no window-scale option, so the 16-bit window field holds
/// min(window, 65535); the timestamp value is the packet's creation time in microseconds mod 2^32 and the echo reply is 0.
/// The frame ends before the FCS, as a capture on a Linux interface sees it: its length is the model's frame size minus 4 B,
/// minimum-size padding included (zeros after the IP packet).
/// </remarks>
public static class PcapFrame
{
    /// <summary>Bytes kept of each frame: every header the model writes (at most 18 + 20 + 60 B), and some zero payload.</summary>
    public const int SnapLength = 128;

    private const int MacBytes = 6;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeVlan = 0x8100;
    private const byte TimeToLive = 64;
    private const ushort DontFragment = 0x4000;

    /// <summary>The frame's length on the wire without its FCS: what a capture records as the original length.</summary>
    public static int Length(in Packet packet) => Ethernet.FrameBytes(in packet) - Ethernet.FcsBytes;

    /// <summary>Writes the first min(<see cref="Length"/>, <see cref="SnapLength"/>) bytes of the frame; returns how many.</summary>
    /// <param name="output">At least <see cref="SnapLength"/> bytes; they are overwritten (zeros where the frame has payload or padding).</param>
    public static int Write(in Packet packet, Span<byte> output)
    {
        var kept = Math.Min(Length(in packet), SnapLength);
        var frame = output[..SnapLength];
        frame.Clear();
        ref readonly var h = ref packet.Headers;
        WriteMac(frame, h.DestinationMac);
        WriteMac(frame[MacBytes..], h.SourceMac);
        var at = 2 * MacBytes;
        if (h.Vlan != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[at..], EtherTypeVlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame[(at + 2)..], h.Vlan);
            at += Ethernet.VlanTagBytes;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame[at..], EtherTypeIpv4);
        at += 2;
        var l4Bytes = Ethernet.L4HeaderBytes(in h);
        var segmentBytes = l4Bytes + packet.PayloadBytes;
        WriteIpv4(frame.Slice(at, Ethernet.Ipv4HeaderBytes), in packet, Ethernet.Ipv4HeaderBytes + segmentBytes);
        var l4 = frame.Slice(at + Ethernet.Ipv4HeaderBytes, l4Bytes);
        if (h.Protocol == PacketHeaders.Tcp) WriteTcp(l4, in packet);
        else WriteUdp(l4, in h, segmentBytes);
        // The payload is zeros, which add nothing to a one's-complement sum: the header and the pseudo-header give the whole segment's.
        var checksum = Checksum(l4, PseudoHeaderSum(in h, segmentBytes));
        if (h.Protocol == PacketHeaders.Tcp) BinaryPrimitives.WriteUInt16BigEndian(l4[16..], checksum);
        else if (h.Protocol == PacketHeaders.Udp) BinaryPrimitives.WriteUInt16BigEndian(l4[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
        return kept;
    }

    private static void WriteMac(Span<byte> to, ulong mac)
    {
        for (var i = 0; i < MacBytes; i++) to[i] = (byte)(mac >> (8 * (MacBytes - 1 - i)));
    }

    private static void WriteIpv4(Span<byte> ip, in Packet packet, int totalLength)
    {
        ref readonly var h = ref packet.Headers;
        ip[0] = 0x45;
        ip[1] = (byte)(h.Ecn & 0x3);
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)packet.Sequence);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], DontFragment);
        ip[8] = TimeToLive;
        ip[9] = h.Protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], h.SourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], h.DestinationIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip, 0));
    }

    private static void WriteUdp(Span<byte> udp, in PacketHeaders h, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(udp, h.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], h.DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)length);
    }

    private static void WriteTcp(Span<byte> tcp, in Packet packet)
    {
        ref readonly var h = ref packet.Headers;
        ref readonly var s = ref packet.Tcp;
        BinaryPrimitives.WriteUInt16BigEndian(tcp, h.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], h.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], s.Seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], s.Ack);
        tcp[12] = (byte)(tcp.Length / 4 << 4);
        tcp[13] = h.TcpFlags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], (ushort)Math.Min(s.Window, ushort.MaxValue));
        // Options: NOP NOP TS(8, 10, value, echo) as Linux sends them, then NOP NOP SACK(5, 2 + 8n, blocks) when there are blocks.
        tcp[20] = 1; tcp[21] = 1; tcp[22] = 8; tcp[23] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(tcp[24..], (uint)(packet.CreatedAt / Units.SimTime.Microsecond));
        if (h.SackBlocks == 0) return;
        tcp[32] = 1; tcp[33] = 1; tcp[34] = 5; tcp[35] = (byte)(2 + 8 * h.SackBlocks);
        for (var i = 0; i < h.SackBlocks; i++)
        {
            var (left, right) = s.SackBlock(i);
            BinaryPrimitives.WriteUInt32BigEndian(tcp[(36 + 8 * i)..], left);
            BinaryPrimitives.WriteUInt32BigEndian(tcp[(40 + 8 * i)..], right);
        }
    }

    /// <summary>The TCP/UDP pseudo-header's sum (RFC 793 §3.1, RFC 768): addresses, protocol, segment length.</summary>
    private static uint PseudoHeaderSum(in PacketHeaders h, int segmentBytes) =>
        (h.SourceIp >> 16) + (h.SourceIp & 0xFFFF) + (h.DestinationIp >> 16) + (h.DestinationIp & 0xFFFF) + h.Protocol + (uint)segmentBytes;

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="bytes"/> (whose checksum field is still 0) plus <paramref name="sum"/>.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> bytes, uint sum)
    {
        for (var i = 0; i + 1 < bytes.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        if ((bytes.Length & 1) != 0) sum += (uint)bytes[^1] << 8;
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
