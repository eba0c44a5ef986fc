using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// An event for one LP. <see cref="Time"/> then <see cref="Order"/> give the total, stable order of
/// DESIGN §1: Order packs (source LP, source sequence number), both fixed by the scheduling LP alone,
/// so the order is the same whatever partition or process runs either LP.
/// </summary>
public struct SimEvent
{
    public long Time;
    public long Order;
    public int Lp;
    public int Kind;
    public int Arg;
    public Packet Packet;

    public const int SequenceBits = 43;

    public static long MakeOrder(int sourceLp, long sequence) => ((long)sourceLp << SequenceBits) | sequence;
    public readonly int SourceLp => (int)(Order >> SequenceBits);
}

/// <summary>Event kinds the kernel and the wire model share; model LPs use values from <see cref="FirstModelKind"/>.</summary>
public static class EventKinds
{
    /// <summary>A port finished putting a frame (and its gap) on the wire. Arg = port.</summary>
    public const int TransmitDone = 1;
    /// <summary>The last bit of a frame reached the receiving LP. Arg = receiving port.</summary>
    public const int FrameArrival = 2;
    public const int FirstModelKind = 16;

    /// <summary>
    /// Model kinds from here on carry a packet that is on its way (e.g. being processed by a vSwitch): the
    /// end-of-run census counts them in flight, like frames on a link.
    /// </summary>
    public const int FirstInTransitKind = 64;

    public static bool CarriesPacketInTransit(int kind) => kind == FrameArrival || kind >= FirstInTransitKind;
}
