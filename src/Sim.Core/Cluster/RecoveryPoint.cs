namespace DcSim.SimCore.Cluster;

/// <summary>
/// A consistent cut a run can start again from after losing a cluster member or all its processes: the barrier before window
/// <paramref name="Window"/> + 1, at simulated time <paramref name="SimulatedTime"/>, with every partition's checkpoint
/// (<see cref="Checkpoints.PartitionCheckpoint"/>, by partition index), or none for the start, where partitions are built from
/// the scenario.
/// </summary>
/// <remarks>
/// A checkpoint is taken when a window is granted, by each partition once it has taken in every event the others sent it
/// before that window and before it runs it: nothing is in transit then, so the partitions' states alone are the cut. The
/// coordinator's schedule needs nothing more: the next window follows from the earliest event the restored partitions hold.
/// </remarks>
public sealed record RecoveryPoint(long Window, long SimulatedTime, byte[][]? Partitions = null)
{
    /// <summary>Before the first window: the partitions are built from the scenario.</summary>
    public static readonly RecoveryPoint Start = new(-1, 0);

    public bool IsStart => Window < 0;

    /// <summary>The checkpoints' bytes in all.</summary>
    public long Bytes => Partitions?.Sum(p => (long)p.Length) ?? 0;

    /// <summary>
    /// The one encoding of a point, for the cluster's messages and the journal alike: window + 1, time and partition count + 1 (0: no
    /// checkpoints) 7-bit encoded, then each checkpoint's length and bytes.
    /// </summary>
    public void WriteTo(BinaryWriter w)
    {
        w.Write7BitEncodedInt64(Window + 1);
        w.Write7BitEncodedInt64(SimulatedTime);
        w.Write7BitEncodedInt(Partitions?.Length + 1 ?? 0);
        foreach (var p in Partitions ?? [])
        {
            w.Write7BitEncodedInt(p.Length);
            w.Write(p);
        }
    }

    public static RecoveryPoint ReadFrom(BinaryReader r)
    {
        var (window, time, count) = (r.Read7BitEncodedInt64() - 1, r.Read7BitEncodedInt64(), r.Read7BitEncodedInt() - 1);
        if (count < 0) return new RecoveryPoint(window, time);
        var partitions = new byte[count][];
        for (var i = 0; i < count; i++) partitions[i] = r.ReadBytes(r.Read7BitEncodedInt());
        return new RecoveryPoint(window, time, partitions);
    }
}
