using DcSim.SimCore.Capture;

namespace DcSim.SimCore.Scenario;

/// <summary>A validated scenario: everything a run needs, in typed units. Built only by <see cref="ScenarioLoader"/>.</summary>
public sealed record ScenarioSettings(
    string Name,
    ulong Seed,
    long DurationPs,
    /// <summary>What the model read from its sections of the scenario (<see cref="IScenarioModelReader"/>).</summary>
    IScenarioModel Model,
    KernelSettings Kernel,
    /// <summary>The scenario as resolved against the defaults, rendered as HOCON: echoed into results and sent to cluster nodes.</summary>
    string ResolvedHocon)
{
    /// <summary>Where relative paths of the scenario (CDF and rules files) resolve; not part of the resolved text.</summary>
    public string BaseDirectory { get; init; } = ".";

    /// <summary>The ports whose frames go to pcap files (the scenario's pcap section; `run --pcap` replaces it).</summary>
    public CaptureSettings Capture { get; init; } = CaptureSettings.None;

    /// <summary>These settings capturing at <paramref name="capture"/>'s points instead, with the resolved text to match.</summary>
    public ScenarioSettings WithCapture(CaptureSettings capture)
    {
        var changed = this with { Capture = capture };
        return changed with { ResolvedHocon = ScenarioHoconWriter.Write(changed) };
    }

    /// <summary>A path from the scenario, resolved against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, Path.GetFullPath(BaseDirectory));
}

/// <summary>
/// How a run is cut and synchronised. Checkpoints (docs/recovery.md) are taken at the first window barrier after each
/// <paramref name="CheckpointIntervalPs"/> of simulated time and after each <paramref name="CheckpointWallInterval"/> of wall time,
/// whichever comes first; 0 / <see cref="TimeSpan.Zero"/> = never by that measure.
/// </summary>
public sealed record KernelSettings(int Partitions, long ProgressIntervalPs, long CheckpointIntervalPs = 0, TimeSpan CheckpointWallInterval = default)
{
    public bool Checkpoints => CheckpointIntervalPs > 0 || CheckpointWallInterval > TimeSpan.Zero;

    /// <summary>
    /// The partitions a run gets from <see cref="Partitions"/> on <paramref name="members"/> cluster members: the number set, or for
    /// "auto" (0) one per member (placement puts one on each). Not one per core on one process yet: measured on 2 cores, two partitions
    /// sharing memory (<see cref="Cluster.LocalWindows"/>) ran the medium fabric 2x slower than one and the 1 Gb/s large one no
    /// faster (docs/benchmarks.md, issue 14 merged); auto splits a process once that pays.
    /// </summary>
    public int PartitionsFor(int members) => Partitions > 0 ? Partitions : Math.Max(1, members);
}
