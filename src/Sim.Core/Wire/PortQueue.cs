using DcSim.SimCore.Capture;

namespace DcSim.SimCore.Wire;

/// <summary>
/// What an output port holds only once a packet waits, is dropped or marked, or once it is traced or captured: the ring, the queue's
/// counters and the drops by flow. Most ports of a large, lightly loaded fabric never queue and carry none of it (docs/benchmarks.md,
/// "Issue 14: an idle host under 1 KB").
/// </summary>
internal sealed class PortQueue(EcnMarker? marker, QueueTrace? trace)
{
    public Packet[] Ring = [];
    public long[] EnqueuedAt = [];
    public int Head;
    /// <summary>Packets waiting (the port's <see cref="PortFlags.Queued"/> says whether any do, where a frame looks).</summary>
    public int Count;
    public long QueuedBytes;
    /// <summary>The last change of the queue's length (RED's idle start when empty).</summary>
    public long LastChange;
    public readonly EcnMarker? Marker = marker;
    public readonly QueueTrace? Trace = trace;
    public PortCapture? Capture;

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

    /// <summary>Makes room for one more packet behind the <paramref name="count"/> waiting.</summary>
    /// <remarks>
    /// The first ring holds 4: on a large, lightly loaded fabric most queues that form never hold more, and thousands form while the
    /// run warms up (at 10,240 hosts a ring of 16 was 1.7 KB made and cleared per port).
    /// </remarks>
    public void Grow(int count)
    {
        var size = Math.Max(4, Ring.Length * 2);
        var ring = new Packet[size];
        var at = new long[size];
        for (var i = 0; i < count; i++)
        {
            ring[i] = Ring[(Head + i) % Ring.Length];
            at[i] = EnqueuedAt[(Head + i) % Ring.Length];
        }
        Ring = ring;
        EnqueuedAt = at;
        Head = 0;
    }
}
