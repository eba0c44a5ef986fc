namespace DcSim.SimCore.Cpu;

/// <summary>
/// The cycles one data-plane step costs (a syscall, a bridge hop, a conntrack lookup, a VM exit): a fixed part
/// per packet and a part per payload byte (copies, checksums), after Rizzo's split of network I/O costs into
/// per-packet and per-byte work (calibration.md §1.3).
/// </summary>
public readonly record struct StepCost(long CyclesPerPacket, double CyclesPerByte = 0)
{
    public static readonly StepCost Free = new(0);

    public bool IsFree => CyclesPerPacket == 0 && CyclesPerByte == 0;

    /// <summary>Cycles for a packet of <paramref name="bytes"/> (rounded up: a step never costs less than its fixed part).</summary>
    public long Cycles(int bytes) => CyclesPerPacket + (long)Math.Ceiling(CyclesPerByte * bytes);

    public static StepCost operator +(StepCost a, StepCost b) => new(a.CyclesPerPacket + b.CyclesPerPacket, a.CyclesPerByte + b.CyclesPerByte);
}
