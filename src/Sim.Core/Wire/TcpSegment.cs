using System.Runtime.InteropServices;

namespace DcSim.SimCore.Wire;

/// <summary>
/// The fields of a TCP header that travel beyond the 5-tuple, flags and ECN (those live in <see cref="PacketHeaders"/>):
/// 32-bit sequence and acknowledgement numbers as on the wire (each end widens them against its own 64-bit state,
/// so a flow may exceed 4 GiB), the receive window in bytes (the window scale already applied), and up to three SACK
/// blocks as Linux sends them next to the timestamps option (RFC 2018 §3). Block edges are sequence numbers, left
/// inclusive and right exclusive.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct TcpSegment
{
    public const int MaxSackBlocks = 3;

    public uint Seq;
    public uint Ack;
    public uint Window;
    public uint SackLeft0, SackRight0, SackLeft1, SackRight1, SackLeft2, SackRight2;

    public readonly (uint Left, uint Right) SackBlock(int i) => i switch
    {
        0 => (SackLeft0, SackRight0),
        1 => (SackLeft1, SackRight1),
        2 => (SackLeft2, SackRight2),
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    public void SetSackBlock(int i, uint left, uint right)
    {
        switch (i)
        {
            case 0: (SackLeft0, SackRight0) = (left, right); break;
            case 1: (SackLeft1, SackRight1) = (left, right); break;
            case 2: (SackLeft2, SackRight2) = (left, right); break;
            default: throw new ArgumentOutOfRangeException(nameof(i));
        }
    }
}

/// <summary>TCP header flags with their bit values in the header (RFC 9293 §3.1, RFC 3168 §6.1 for ECE and CWR).</summary>
public static class TcpFlags
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;
    public const byte Ece = 0x40;
    public const byte Cwr = 0x80;
}

/// <summary>The IP header's two ECN bits (RFC 3168 §5).</summary>
public static class EcnCodepoint
{
    public const byte NotEct = 0;
    public const byte Ect1 = 1;
    public const byte Ect0 = 2;
    public const byte Ce = 3;

    /// <summary>Whether the sender declared the packet ECN-capable, so that a queue may mark it instead of dropping it.</summary>
    public static bool IsCapable(byte ecn) => ecn != NotEct;
}
