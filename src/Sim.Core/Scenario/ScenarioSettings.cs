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
        changed = changed with { ResolvedHocon = ScenarioHoconWriter.Write(changed) };
        ResolvedScenarios.AddChanged(this, changed);
        return changed;
    }

    /// <summary>A path from the scenario, resolved against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, Path.GetFullPath(BaseDirectory));
}

/// <summary>
/// How a run is cut and synchronised. Checkpoints (docs/recovery.md) are taken at the first window barrier after each
/// <paramref name="CheckpointIntervalPs"/> of simulated time and after each <paramref name="CheckpointWallInterval"/> of wall time,
/// whichever comes first; 0 / <see cref="TimeSpan.Zero"/> = never by that measure. With several partitions, <paramref name="Layout"/> says how
/// LPs are dealt to them; a balanced layout weighs them by a pilot run of <paramref name="LayoutPilot"/> of the duration (docs/kernel.md).
/// </summary>
public sealed record KernelSettings(int Partitions, long ProgressIntervalPs, long CheckpointIntervalPs = 0, TimeSpan CheckpointWallInterval = default,
    PartitionLayoutKind Layout = PartitionLayoutKind.Balanced, double LayoutPilot = KernelSettings.DefaultLayoutPilot)
{
    /// <summary>reference.conf's kernel.layout-pilot: a pilot of 1 % of the run costs about 1 % of its one-partition time (an assumption, docs/kernel.md).</summary>
    public const double DefaultLayoutPilot = 0.01;

    /// <summary>The simulated time a balanced layout's pilot runs: its share of <paramref name="durationPs"/>, at least 1 ps.</summary>
    public long LayoutPilotPs(long durationPs) => Math.Max(1, (long)(durationPs * LayoutPilot));

    public bool Checkpoints => CheckpointIntervalPs > 0 || CheckpointWallInterval > TimeSpan.Zero;

    /// <summary>
    /// The fewest hosts "auto" gives a partition in one process: a partition's window needs that much work to pay for its barrier.
    /// Measured on 2 cores (docs/benchmarks.md, issue 14): the 512-host fabric ran faster on 2 partitions than on 1, the 128-host one
    /// slower at 100 Mb/s per host (~15 events a partition a window) and faster only at 1 Gb/s.
    /// </summary>
    public const int HostsPerAutoPartition = 256;

    /// <summary>
    /// The partitions a run gets from <see cref="Partitions"/> on <paramref name="members"/> cluster members, each with
    /// <paramref name="cores"/> cores, for a fabric of <paramref name="hosts"/> hosts in <paramref name="racks"/> racks: the number set,
    /// or for "auto" (0) one per member when there are several (placement puts one on each), and in one process one per core, no more
    /// than there are racks (a rack never splits) nor than gives each partition <see cref="HostsPerAutoPartition"/> hosts; at least one.
    /// </summary>
    public int PartitionsFor(int members, int cores, int hosts, int racks) =>
        Partitions > 0 ? Partitions
        : members > 1 ? members
        : Math.Max(1, Math.Min(Math.Min(cores, racks), hosts / HostsPerAutoPartition));
}

/// <summary>How a run with several partitions deals its LPs to them (kernel.layout).</summary>
public enum PartitionLayoutKind
{
    /// <summary>By the events each rack and switch handled in a pilot run, largest first to the partition with the fewest so far.</summary>
    Balanced,

    /// <summary>Rack r to partition r mod P, the other switches likewise: no pilot.</summary>
    RoundRobin,
}
