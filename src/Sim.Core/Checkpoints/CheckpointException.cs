namespace DcSim.SimCore.Checkpoints;

/// <summary>A checkpoint cannot be written (the state holds something that cannot be copied) or read (damaged, or from another build).</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
