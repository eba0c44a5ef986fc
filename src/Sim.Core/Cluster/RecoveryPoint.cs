namespace DcSim.SimCore.Cluster;

/// <summary>
/// A consistent cut a run can start again from after losing a cluster member: the barrier after window
/// <paramref name="Window"/>, at simulated time <paramref name="SimulatedTime"/>.
/// </summary>
/// <remarks>
/// Only <see cref="Start"/> exists today: model state is not checkpointed, so a run that loses a member is
/// re-executed from its beginning, which gives the same results because the simulation is deterministic. A
/// checkpoint taken at a window barrier (the partitions' LPs, heaps, random streams and statistics) would be a
/// later point: the coordinator would resume its schedule from it and the partitions would restore it instead
/// of building from the scenario.
/// </remarks>
public sealed record RecoveryPoint(long Window, long SimulatedTime)
{
    /// <summary>Before the first window: the partitions are built from the scenario.</summary>
    public static readonly RecoveryPoint Start = new(-1, 0);
}
