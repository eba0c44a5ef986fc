namespace DcSim.SimCore.Metrics;

/// <summary>Counters of one directed link, i.e. of the output port that drives it.</summary>
public sealed class LinkStats
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required int FromLp { get; init; }
    public required int FromPort { get; init; }
    public required long RateBps { get; init; }
    public required long DelayPs { get; init; }
    public long TxPackets { get; set; }
    public long TxWireBytes { get; set; }
    /// <summary>Picoseconds the port spent transmitting (frame, preamble and gap).</summary>
    public long BusyPs { get; set; }
    public long DroppedPackets { get; set; }
    public long DroppedBytes { get; set; }
    /// <summary>Of <see cref="DroppedPackets"/>, those RED dropped early (packets that were not ECN-capable).</summary>
    public long EarlyDroppedPackets { get; set; }
    /// <summary>ECN-capable packets this queue marked CE (those that arrived CE already are not counted again).</summary>
    public long EcnMarkedPackets { get; set; }
    /// <summary>Time integral of waiting packets (packet·ps) and bytes (byte·ps), up to the end of the run.</summary>
    public Int128 QueuePacketPs { get; set; }
    public Int128 QueueBytePs { get; set; }
    public long QueueMaxPackets { get; set; }
    public long QueueMaxBytes { get; set; }
    /// <summary>Total time packets waited before their transmission started, and how many started.</summary>
    public Int128 WaitSumPs { get; set; }
    public long WaitCount { get; set; }

    public string Key => $"{FromLp:D8}:{FromPort:D4}";

    public double Utilisation(long durationPs) => durationPs <= 0 ? 0 : (double)BusyPs / durationPs;
    public double QueueMeanPackets(long durationPs) => durationPs <= 0 ? 0 : (double)QueuePacketPs / durationPs;
    public double QueueMeanBytes(long durationPs) => durationPs <= 0 ? 0 : (double)QueueBytePs / durationPs;
    public double MeanWaitPs => WaitCount == 0 ? 0 : (double)WaitSumPs / WaitCount;
}
