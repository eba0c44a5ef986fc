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
}
