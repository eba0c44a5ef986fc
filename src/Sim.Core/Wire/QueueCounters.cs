namespace DcSim.SimCore.Wire;

/// <summary>
/// The counters of an output port that only a queue, a drop or an ECN mark changes: made by the first of them, so that the many ports of a
/// large, lightly loaded fabric that never queue carry none (docs/benchmarks.md, "Issue 14: a host's state in fewer cache lines").
/// </summary>
internal sealed class QueueCounters
{
    public long DroppedPackets;
    public long DroppedBytes;
    public long EarlyDroppedPackets;
    public long EcnMarkedPackets;
    public Int128 QueuePacketPs;
    public Int128 QueueBytePs;
    public long QueueMaxPackets;
    public long QueueMaxBytes;
    /// <summary>Time packets waited before their transmission started: only a packet that was queued waits.</summary>
    public Int128 WaitSumPs;
    public Dictionary<long, (long Packets, long Bytes)>? DropsByFlow;
}
