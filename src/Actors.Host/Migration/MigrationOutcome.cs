namespace DcSim.ActorsHost.Migration;

/// <summary>Where a migration is in its life (see the diagram on <see cref="PreCopyMigration"/>).</summary>
public enum MigrationPhase
{
    NotStarted,
    PreCopy,
    StopAndCopy,
    Completed,
    Aborted,
    /// <summary>Post-copy: the VM runs at the destination while its memory still streams there.</summary>
    PostCopy,
}

/// <summary>Which condition ended the pre-copy rounds; the first two are convergence.</summary>
public enum MigrationStopReason
{
    /// <summary>The pending pages could be sent within the downtime limit at the measured rate (QEMU).</summary>
    DowntimeTarget,
    /// <summary>Fewer dirty pages than <see cref="MigrationSettings.MinPagesToContinue"/>, or none at all (Xen).</summary>
    FewDirtyPages,
    /// <summary>A round dirtied more than it sent (Xen): stopped anyway, the downtime exceeds the target.</summary>
    RoundGrew,
    /// <summary><see cref="MigrationSettings.MaxRounds"/> reached: stopped anyway.</summary>
    RoundLimit,
    /// <summary>More than <see cref="MigrationSettings.MaxDataFactor"/> × RAM sent: stopped anyway.</summary>
    DataLimit,
    /// <summary><see cref="MigrationSettings.AbortAfter"/> passed: the VM stays on the source.</summary>
    Aborted,
    /// <summary>No pre-copy rounds: a post-copy migration stops the VM at once and sends its memory after it resumed.</summary>
    PostCopy,
}

/// <summary>
/// The result of one migration. Times in picoseconds, sizes in bytes. <paramref name="RoundBytes"/> lists the
/// pre-copy rounds (round 0 = all RAM); the stop-and-copy (last dirty pages + device state) is separate.
/// <paramref name="Downtime"/> runs from the stop decision to the VM resuming at the destination (0 when aborted).
/// </summary>
public sealed record MigrationOutcome(
    long Start,
    long End,
    IReadOnlyList<long> RoundBytes,
    long StopAndCopyBytes,
    long Downtime,
    MigrationStopReason Reason)
{
    public int Rounds => RoundBytes.Count;
    public long TotalBytes => RoundBytes.Sum() + StopAndCopyBytes;
    public long TotalTime => End - Start;
    public bool Converged => Reason is MigrationStopReason.DowntimeTarget or MigrationStopReason.FewDirtyPages;
}
