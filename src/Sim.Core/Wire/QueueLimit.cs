namespace DcSim.SimCore.Wire;

public enum QueueLimitUnit { Packets, Bytes }

/// <summary>
/// Capacity of an output queue, counting the packets waiting behind the one being transmitted
/// (so an M/M/1/K system has K = packet limit + 1). Bytes are frame bytes.
/// </summary>
public readonly record struct QueueLimit(QueueLimitUnit Unit, long Limit)
{
    public bool Admits(long queuedPackets, long queuedBytes, int frameBytes) => Unit switch
    {
        QueueLimitUnit.Packets => queuedPackets + 1 <= Limit,
        _ => queuedBytes + frameBytes <= Limit,
    };

    public override string ToString() => Unit == QueueLimitUnit.Packets ? $"{Limit} packets" : $"{Limit} bytes";
}
