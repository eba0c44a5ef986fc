namespace DcSim.SimCore.Wire;

/// <summary>
/// Ethernet framing of a UDP/IPv4 packet (calibration.md §1.1): 14 B header + 4 B FCS around the
/// IP packet, padded to a 64 B minimum frame; on the wire each frame also costs an 8 B preamble+SFD
/// and a 12 B inter-frame gap. The gap is counted in the transmission time, so a port is busy for
/// (frame + 20 B) and the last bit of the next frame starts no earlier than that.
/// </summary>
public static class Ethernet
{
    public const int UdpHeaderBytes = 8;
    public const int Ipv4HeaderBytes = 20;
    public const int HeaderAndFcsBytes = 18;
    public const int MinFrameBytes = 64;
    public const int PreambleAndGapBytes = 20;

    /// <summary>Frame size (header to FCS) carrying a UDP payload of <paramref name="payloadBytes"/>.</summary>
    public static int FrameBytes(int payloadBytes) =>
        Math.Max(MinFrameBytes, payloadBytes + UdpHeaderBytes + Ipv4HeaderBytes + HeaderAndFcsBytes);

    /// <summary>Bytes of line time the frame occupies, preamble and gap included.</summary>
    public static int WireBytes(int payloadBytes) => FrameBytes(payloadBytes) + PreambleAndGapBytes;

    /// <summary>The smallest wire footprint of any frame: 84 B.</summary>
    public const int MinWireBytes = MinFrameBytes + PreambleAndGapBytes;
}
