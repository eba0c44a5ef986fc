using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The stop conditions of a pre-copy live migration, as data: which of QEMU's and Xen's rules end the
/// iterative rounds and start the stop-and-copy. A condition that is null (or 0 / false) is not checked.
/// Times are picoseconds (<see cref="SimTime"/>), sizes bytes. docs/migration.md lists every field with its source.
/// </summary>
public sealed record MigrationSettings
{
    /// <summary>The migration this describes, over <paramref name="channel"/>.</summary>
    public ILiveMigration Create(DirtyPageModel vm, IMigrationChannel channel) =>
        Mode == MigrationMode.PostCopy ? new PostCopyMigration(vm, this, channel) : new PreCopyMigration(vm, this, channel);

    /// <summary>
    /// Stop and copy once the pending dirty memory can be sent at the rate measured in the last round
    /// within this time (QEMU's <c>downtime-limit</c>). Null: no downtime target (Xen).
    /// </summary>
    public long? DowntimeLimit { get; init; }

    /// <summary>Cap on the migration stream's rate (QEMU's <c>max-bandwidth</c>); 0 bps = the link's rate.</summary>
    public DataRate MaxBandwidth { get; init; }

    /// <summary>Stop after this many pre-copy rounds, round 0 included (Xen's <c>DEF_MAX_ITERS</c>). Null: no limit (QEMU).</summary>
    public int? MaxRounds { get; init; }

    /// <summary>Stop once more than this many times the VM's RAM has been sent (Xen's <c>DEF_MAX_FACTOR</c>). Null: no limit.</summary>
    public int? MaxDataFactor { get; init; }

    /// <summary>Stop and copy when fewer pages than this are dirty (Xen's "&lt; 50" rule). 0: not checked.</summary>
    public int MinPagesToContinue { get; init; }

    /// <summary>Stop when a round dirtied more pages than it sent (Xen's rule (a) at its maximum rate: pre-copy is losing).</summary>
    public bool StopWhenRoundGrows { get; init; }

    /// <summary>
    /// Give up (the VM stays on the source, no downtime) at the first round that ends this long after the start.
    /// Neither QEMU nor Xen does this by default: QEMU without convergence runs until cancelled. Null: never.
    /// </summary>
    public long? AbortAfter { get; init; }

    /// <summary>Page size in bytes: the unit in which memory is dirtied and sent (x86: 4 KiB).</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>Device state (vCPU registers, virtio queues, ...) sent with the last dirty pages. Assumption: 2 MiB.</summary>
    public long DeviceStateBytes { get; init; } = 2L << 20;

    /// <summary>From the last byte at the destination to the VM running there. Assumption: 5 ms.</summary>
    public long ResumeDelay { get; init; } = 5 * SimTime.Millisecond;

    /// <summary>Pre-copy (QEMU's and Xen's default) or post-copy (<see cref="PostCopyMigration"/>).</summary>
    public MigrationMode Mode { get; init; } = MigrationMode.PreCopy;

    /// <summary>Frames for the VM that reach the source after it stopped there: dropped (QEMU) or forwarded once it runs again.</summary>
    public InFlightPolicy InFlight { get; init; } = InFlightPolicy.Drop;

    /// <summary>
    /// QEMU's defaults (calibration.md §5.2, qemu <c>migration/options.c</c>): downtime-limit 300 ms
    /// (<c>DEFAULT_MIGRATE_SET_DOWNTIME</c>), max-bandwidth 128 MiB/s (<c>MAX_THROTTLE = 128 &lt;&lt; 20</c>),
    /// no round or data limit: a migration that cannot converge goes on until it is cancelled.
    /// </summary>
    public static MigrationSettings Qemu { get; } = new()
    {
        DowntimeLimit = 300 * SimTime.Millisecond,
        MaxBandwidth = new DataRate(128L * 1024 * 1024 * 8),
    };

    /// <summary>
    /// Xen's libxc pre-copy (calibration.md §5.1b, <c>xc_domain_save.c</c>, the implementation of Clark et al.
    /// NSDI 2005): at most 29 rounds (<c>DEF_MAX_ITERS</c>), at most 3 × RAM sent (<c>DEF_MAX_FACTOR</c>),
    /// stop below 50 dirty pages or when a round grows; no downtime target. The rate adaptation
    /// (100 to 500 Mbit/s) is not modelled: the stream runs at the link's rate.
    /// </summary>
    public static MigrationSettings Xen { get; } = new()
    {
        MaxRounds = 29,
        MaxDataFactor = 3,
        MinPagesToContinue = 50,
        StopWhenRoundGrows = true,
    };

    /// <summary>
    /// Written out: the compiler's equality compares each member through <c>EqualityComparer&lt;T&gt;.Default</c>, which over
    /// <c>long?</c>, <see cref="DataRate"/> and the enums is generic code ReadyToRun leaves to the JIT, with each comparer made by
    /// reflection (~20 methods on the way to a run's first window, where the resolved scenario asks whether these are QEMU's).
    /// </summary>
    public bool Equals(MigrationSettings? other) =>
        other is not null
        && DowntimeLimit == other.DowntimeLimit && MaxBandwidth.BitsPerSecond == other.MaxBandwidth.BitsPerSecond
        && MaxRounds == other.MaxRounds && MaxDataFactor == other.MaxDataFactor && MinPagesToContinue == other.MinPagesToContinue
        && StopWhenRoundGrows == other.StopWhenRoundGrows && AbortAfter == other.AbortAfter && PageSize == other.PageSize
        && DeviceStateBytes == other.DeviceStateBytes && ResumeDelay == other.ResumeDelay && Mode == other.Mode && InFlight == other.InFlight;

    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(DowntimeLimit, MaxBandwidth.BitsPerSecond, MaxRounds, MaxDataFactor, MinPagesToContinue, StopWhenRoundGrows),
            HashCode.Combine(AbortAfter, PageSize, DeviceStateBytes, ResumeDelay, Mode, InFlight));

    /// <summary>The rate the migration stream may use on a path of rate <paramref name="link"/>.</summary>
    public DataRate EffectiveRate(DataRate link) =>
        MaxBandwidth.BitsPerSecond > 0 && MaxBandwidth.BitsPerSecond < link.BitsPerSecond ? MaxBandwidth : link;
}

/// <summary>How memory moves: before the VM stops (iterative rounds) or after it resumed at the destination.</summary>
public enum MigrationMode { PreCopy, PostCopy }
