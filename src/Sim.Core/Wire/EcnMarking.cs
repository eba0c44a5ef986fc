namespace DcSim.SimCore.Wire;

/// <summary>How an output queue signals congestion before it overflows.</summary>
public enum EcnMode
{
    /// <summary>Tail drop only: no packet is marked or dropped early.</summary>
    Off,
    /// <summary>
    /// DCTCP's marking (Alizadeh et al., SIGCOMM 2010, §3.1; RFC 8257 §3.1): an ECN-capable packet is marked CE when
    /// the instantaneous queue at its arrival is at or above the threshold K; other packets only meet tail drop.
    /// </summary>
    Threshold,
    /// <summary>
    /// Random early detection (Floyd and Jacobson, 1993) on an EWMA of the queue: an ECN-capable packet is marked CE,
    /// any other packet dropped, with a probability that rises from 0 at the minimum to the maximum probability at the
    /// maximum threshold; above it every packet is marked or dropped.
    /// </summary>
    Red,
}

/// <summary>
/// RED's parameters. <see cref="Min"/> and <see cref="Max"/> count in the queue's unit (packets or frame bytes),
/// like <see cref="QueueLimit"/>; <see cref="Weight"/> is the EWMA gain w_q of the average queue.
/// </summary>
public sealed record RedParameters(long Min, long Max, double MaxProbability, double Weight);

/// <summary>
/// The congestion signalling of one output queue: the mode, DCTCP's threshold K (in the queue's unit) and RED's
/// parameters (needed in mode red). Only the mode's own values are used.
/// </summary>
public sealed record EcnMarking(EcnMode Mode, long Threshold, RedParameters? Red)
{
    public static readonly EcnMarking Off = new(EcnMode.Off, 0, null);
}

/// <summary>An output queue: its capacity, how it signals congestion, and how often its length is sampled into the results (0: never).</summary>
public readonly record struct QueueSettings(QueueLimit Limit, EcnMarking Ecn, long TracePs = 0);
