namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Post-copy live migration (Hines and Gopalan, VEE 2009; QEMU's <c>postcopy-ram</c>): the VM stops at once, only its device state goes
/// first, and it runs at the destination a resume delay after that arrived; its memory then streams there in one pass while it runs.
/// Every page crosses once, so the bytes are RAM plus device state whatever the dirty rate, and the downtime does not depend on it.
/// </summary>
/// <remarks>
/// Not modelled: the guest's stalls on pages that have not arrived yet (remote page faults served out of order), and the loss of the VM
/// if the source or the network fails before the last page arrives — the reasons post-copy is an option rather than the default.
/// </remarks>
public sealed class PostCopyMigration(DirtyPageModel vm, MigrationSettings settings, IMigrationChannel channel) : ILiveMigration
{
    private long _start, _resumeAt;

    public MigrationPhase Phase { get; private set; } = MigrationPhase.NotStarted;

    public long? ResumeAt => Phase is MigrationPhase.PostCopy or MigrationPhase.Completed ? _resumeAt : null;

    public MigrationOutcome? Outcome { get; private set; }

    public IReadOnlyList<long> RoundBytes => Phase is MigrationPhase.PostCopy or MigrationPhase.Completed ? [RamBytes] : [];

    public long StopAndCopyBytes => Phase == MigrationPhase.NotStarted ? 0 : Math.Max(1, settings.DeviceStateBytes);

    public MigrationStopReason? StopReason => Phase == MigrationPhase.NotStarted ? null : MigrationStopReason.PostCopy;

    private long RamBytes => vm.RamPages(settings.PageSize) * settings.PageSize;

    public void Start(long now)
    {
        if (Phase != MigrationPhase.NotStarted) throw new InvalidOperationException($"expected phase NotStarted, is {Phase}");
        _start = now;
        Phase = MigrationPhase.StopAndCopy;
        channel.Send(Math.Max(1, settings.DeviceStateBytes));
    }

    public void Delivered(long now)
    {
        switch (Phase)
        {
            case MigrationPhase.StopAndCopy:
                _resumeAt = now + settings.ResumeDelay;
                Phase = MigrationPhase.PostCopy;
                channel.Send(RamBytes);
                break;
            case MigrationPhase.PostCopy:
                Phase = MigrationPhase.Completed;
                Outcome = new MigrationOutcome(_start, Math.Max(now, _resumeAt), [RamBytes], Math.Max(1, settings.DeviceStateBytes), _resumeAt - _start,
                    MigrationStopReason.PostCopy);
                break;
            default:
                throw new InvalidOperationException($"nothing was being sent in phase {Phase}");
        }
    }
}
