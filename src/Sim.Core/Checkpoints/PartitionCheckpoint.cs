using DcSim.SimCore.Kernel;

namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// The state of one partition at a window barrier — its LPs with every component's state, its event heap (the events other
/// partitions sent it for the next window included), the parcels waiting for its LPs, random streams and statistics — as bytes,
/// and back.
/// </summary>
/// <remarks>
/// Taken between windows only, when nothing of the partition is on the stack: the graph from the <see cref="Partition"/>
/// holds all of it (events are values; components reach each other through their LP). Compressed with Brotli at its fastest
/// level: event slabs and idle state compress several-fold, and a checkpoint crosses the network and goes to the journal.
/// Restored only by the build that wrote it (the type table carries each module's version id).
/// </remarks>
public static class PartitionCheckpoint
{
    /// <summary>
    /// Layout: magic, the DcSim modules the state's types come from with their version ids (<see cref="BuildProblem"/>), the state's
    /// length, the compressed state.
    /// </summary>
    private static readonly CompressedGraph Format = new("DCSIMCP3"u8.ToArray(), "partition checkpoint");

    public static byte[] Save(Partition partition) => Save(partition, out _);

    /// <summary>As <see cref="Save(Partition)"/>; <paramref name="stats"/> says how big the state was before compression.</summary>
    public static byte[] Save(Partition partition, out CheckpointSize stats)
    {
        var checkpoint = Format.Write(partition, boundary: null, out var objects, out var stateBytes);
        stats = new CheckpointSize(partition.LocalProcesses.Count(), objects, stateBytes, checkpoint.Length);
        return checkpoint;
    }

    /// <summary>
    /// Why this build cannot restore <paramref name="checkpoint"/>, or null: one of the DcSim modules its types come from is not the one
    /// that wrote it (fields may have moved), or it is no checkpoint at all. Read from the header alone, so a resume can check before it
    /// starts anything.
    /// </summary>
    public static string? BuildProblem(byte[] checkpoint) => Format.BuildProblem(checkpoint);

    public static Partition Restore(byte[] checkpoint) =>
        Format.Read(checkpoint, resolve: null) as Partition ?? throw new CheckpointException("the checkpoint does not hold a partition");
}

/// <summary>What a partition's checkpoint held: LPs, objects, bytes before and after compression.</summary>
public readonly record struct CheckpointSize(int Lps, int Objects, long StateBytes, long CompressedBytes);
