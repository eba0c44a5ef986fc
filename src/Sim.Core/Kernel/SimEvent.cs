using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Kernel;

/// <summary>What an event is to the kernel: a packet arriving somewhere, or a timer going off.</summary>
public enum EventKind : byte
{
    /// <summary>A packet reaches port <see cref="SimEvent.Port"/> of component <see cref="SimEvent.Component"/>: it is in transit until then.</summary>
    Packet = 1,
    /// <summary>Timer <see cref="SimEvent.Port"/> of component <see cref="SimEvent.Component"/> fires with <see cref="SimEvent.Token"/>.</summary>
    Timer = 2,
    /// <summary>
    /// A control message between LPs that is not a frame on a link (a migrated VM arriving, the fabric learning where an endpoint
    /// moved): code <see cref="SimEvent.Port"/> for component <see cref="SimEvent.Component"/>, details in the packet's fields.
    /// It is not traffic: the census never counts it in flight.
    /// </summary>
    Control = 3,
}

/// <summary>
/// An event for one LP, addressed to one of its components. <see cref="Time"/> then <see cref="Order"/>
/// give the total, stable order of DESIGN §1: Order packs (source LP, source sequence number), both fixed
/// by the scheduling LP alone, so the order is the same whatever partition or process runs either LP.
/// </summary>
public struct SimEvent
{
    public long Time;
    public long Order;
    public int Lp;
    public EventKind Kind;
    /// <summary>Index of the receiving component within its LP (0 for an LP that is one component).</summary>
    public ushort Component;
    /// <summary>For a packet: the port it arrives at; for a timer: which of the component's timers.</summary>
    public ushort Port;
    /// <summary>A timer's token, chosen by the component that set it (e.g. to tell a cancelled timer from a live one).</summary>
    public int Token;
    public Packet Packet;

    public const int SequenceBits = 43;

    public static long MakeOrder(int sourceLp, long sequence) => ((long)sourceLp << SequenceBits) | sequence;
    public readonly int SourceLp => (int)(Order >> SequenceBits);
}
