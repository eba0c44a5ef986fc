using System.Buffers.Binary;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Capture;

/// <summary>
/// The classic pcap file format with nanosecond timestamps (magic 0xa1b23c4d, version 2.4, link type 1 = Ethernet), little-endian
/// as the readers expect from the magic's byte order: what tshark, Wireshark and tcpdump open.
/// </summary>
/// <remarks>
/// Simulated time 0 is the Unix epoch (1970-01-01 00:00:00 UTC), so a frame's capture time is its simulated time; picoseconds
/// are cut down to whole nanoseconds (rounded towards zero: 1,999 ps is 1 ns), the resolution of the format.
/// </remarks>
public static class PcapFile
{
    public const uint NanosecondMagic = 0xA1B23C4D;
    public const int GlobalHeaderBytes = 24;
    public const int RecordHeaderBytes = 16;
    private const uint LinkTypeEthernet = 1;

    /// <summary>The 24-byte header every pcap file starts with.</summary>
    public static byte[] GlobalHeader()
    {
        var header = new byte[GlobalHeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, NanosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        // thiszone and sigfigs (8 to 15) stay 0.
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), PcapFrame.SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), LinkTypeEthernet);
        return header;
    }

    /// <summary>Writes the record of <paramref name="packet"/> captured at <paramref name="timePs"/> (header and kept bytes); returns its length.</summary>
    /// <param name="output">At least <see cref="RecordHeaderBytes"/> + <see cref="PcapFrame.SnapLength"/> bytes.</param>
    public static int WriteRecord(long timePs, in Packet packet, Span<byte> output)
    {
        var ns = timePs / SimTime.Nanosecond;
        var kept = PcapFrame.Write(in packet, output[RecordHeaderBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)(ns / 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(output[4..], (uint)(ns % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(output[8..], (uint)kept);
        BinaryPrimitives.WriteUInt32LittleEndian(output[12..], (uint)PcapFrame.Length(in packet));
        return RecordHeaderBytes + kept;
    }
}
