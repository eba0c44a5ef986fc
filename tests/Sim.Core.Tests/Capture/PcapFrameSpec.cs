using DcSim.SimCore.Capture;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Capture;

/// <summary>
/// The pcap writer's bytes, against frames built independently (Python's struct and an RFC 1071 sum, in the comments' hex): the
/// global header, a record header, a UDP frame padded to the minimum and a VLAN-tagged TCP segment with ECN and SACK blocks.
/// </summary>
public sealed class PcapFrameSpec
{
    private static Packet Udp() => new()
    {
        Headers = new PacketHeaders
        {
            SourceMac = 0x0200_0000_0001, DestinationMac = 0x0200_0000_0007, SourceIp = 0x0A00_0001, DestinationIp = 0x0A00_0007,
            SourcePort = 1024, DestinationPort = 5000, Protocol = PacketHeaders.Udp,
        },
        PayloadBytes = 22, Sequence = 20,
    };

    private static Packet Tcp()
    {
        var p = new Packet
        {
            Headers = new PacketHeaders
            {
                SourceMac = 0x0200_0000_0099, DestinationMac = 0x0A0B_0C0D_0E0F, Vlan = 42, SourceIp = 0x0A01_0203, DestinationIp = 0x0A04_0506,
                SourcePort = 40000, DestinationPort = 80, Protocol = PacketHeaders.Tcp, Ecn = EcnCodepoint.Ce,
                TcpFlags = TcpFlags.Ack | TcpFlags.Ece, SackBlocks = 2,
            },
            PayloadBytes = 1000, Sequence = 0x12345, CreatedAt = 5_000_000_123,
        };
        p.Tcp.Seq = 0x0102_0304;
        p.Tcp.Ack = 0xA0B0_C0D0;
        p.Tcp.Window = 70_000;
        p.Tcp.SetSackBlock(0, 100, 200);
        p.Tcp.SetSackBlock(1, 300, 400);
        return p;
    }

    private static string Frame(Packet packet, out int kept)
    {
        var buffer = new byte[PcapFrame.SnapLength];
        kept = PcapFrame.Write(in packet, buffer);
        return Convert.ToHexStringLower(buffer, 0, kept);
    }

    [Fact]
    public void Global_header_must_be_nanosecond_pcap_2_4_for_ethernet_with_a_128_byte_snap_length()
    {
        // magic, version 2.4, thiszone 0, sigfigs 0, snaplen 128, link type 1
        Assert.Equal("4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "80000000" + "01000000", Convert.ToHexStringLower(PcapFile.GlobalHeader()));
    }

    [Fact]
    public void A_udp_datagram_must_have_its_addresses_ports_lengths_and_checksums()
    {
        // act
        var hex = Frame(Udp(), out var kept);

        // assert: Ethernet, IPv4 (total 50, id 20, DF, TTL 64, checksum 0x26a0), UDP (length 30, checksum 0xd422), 22 B of zeros.
        Assert.Equal(64, kept);
        Assert.Equal(64, PcapFrame.Length(Udp()));
        Assert.Equal("020000000007020000000001" + "0800" + "4500003200144000401126a00a0000010a000007" + "04001388001ed422" + new string('0', 44), hex);
    }

    [Fact]
    public void A_short_frame_must_be_padded_to_60_bytes_before_the_fcs()
    {
        var p = Udp();
        p.PayloadBytes = 0;
        var hex = Frame(p, out var kept);
        Assert.Equal(60, kept);
        Assert.Equal("001c", hex[32..36]);                 // IP total length 28: the padding is not in the IP packet
        Assert.Equal(new string('0', 36), hex[84..]);     // 18 B of padding
    }

    [Fact]
    public void A_tcp_segment_must_carry_its_vlan_ecn_sequence_numbers_flags_timestamps_and_sack_blocks()
    {
        // act
        var hex = Frame(Tcp(), out var kept);

        // assert: 802.1Q tag 42; IPv4 with CE, total 1072, id 0x2345, checksum 0xf872; TCP header 52 B (offset 13), ACK|ECE,
        // window clamped to 65535, checksum 0xe7d8, NOP NOP TS(5000 us, 0), NOP NOP SACK (100-200, 300-400); then zeros.
        Assert.Equal(PcapFrame.SnapLength, kept);
        Assert.Equal(1090, PcapFrame.Length(Tcp()));
        Assert.Equal("0a0b0c0d0e0f020000000099" + "8100002a" + "0800" + "4503043023454000" + "4006f8720a0102030a040506"
            + "9c40005001020304a0b0c0d0d050ffffe7d80000" + "0101080a0000138800000000" + "01010512000000640000" + "00c80000012c00000190"
            + new string('0', 2 * (128 - 18 - 20 - 52)), hex);
    }

    [Fact]
    public void A_record_must_carry_the_simulated_time_in_whole_nanoseconds_and_both_lengths()
    {
        // arrange
        var buffer = new byte[PcapFile.RecordHeaderBytes + PcapFrame.SnapLength];

        // act: 1.234567891999 s of simulated time
        var length = PcapFile.WriteRecord(1_234_567_891_999, Tcp(), buffer);

        // assert: seconds 1, nanoseconds 234,567,891 (rounded down), 128 B kept of 1090
        Assert.Equal(16 + 128, length);
        Assert.Equal(1u, BitConverter.ToUInt32(buffer, 0));
        Assert.Equal(234_567_891u, BitConverter.ToUInt32(buffer, 4));
        Assert.Equal(128u, BitConverter.ToUInt32(buffer, 8));
        Assert.Equal(1090u, BitConverter.ToUInt32(buffer, 12));
    }

    [Fact]
    public void A_capture_must_keep_frames_up_to_its_limit_and_count_them_all()
    {
        // arrange
        var capture = new PortCapture(limit: 100);

        // act
        for (var i = 0; i < 250; i++) capture.Add(i * 1_000_000L, Udp());
        var frames = capture.Frames();

        // assert
        Assert.Equal(250, frames.Seen);
        Assert.Equal(100, frames.Captured);
        Assert.True(frames.Cut);
        Assert.Equal(100 * (16 + 64), frames.Records.Length);
        Assert.Equal(99_000u, BitConverter.ToUInt32(frames.Records, 99 * 80 + 4));   // the 100th frame at 99 us
    }
}
