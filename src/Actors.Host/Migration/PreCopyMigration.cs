namespace DcSim.ActorsHost.Migration;

/// <summary>
/// One pre-copy live migration (Clark et al. NSDI 2005; QEMU's and Xen's algorithm) as a state machine on
/// virtual time. It owns no clock and no network: its owner calls <see cref="Start"/> and then
/// <see cref="Delivered"/> each time the transfer it asked of the <see cref="IMigrationChannel"/> arrives.
/// </summary>
/// <remarks>
/// <code>
///  NotStarted --Start--> PreCopy --round delivered, go on--> PreCopy (next round: the pages dirtied meanwhile)
///                           |  \--round delivered, AbortAfter passed--> Aborted (VM stays, no downtime)
///                           \--round delivered, a stop condition holds--> StopAndCopy (VM paused)
///                                                                             |
///                                  Completed (VM runs at the destination) <---/ delivered + resume delay
/// </code>
/// <para>What it models. Round 0 sends all of RAM while the VM runs. Round i+1 sends the pages the VM dirtied
/// during round i (<see cref="DirtyPageModel"/>). When a round is delivered, the pending dirty pages are weighed
/// with the conditions of <see cref="MigrationSettings"/>, in this order: too few pages (or none) to go on;
/// pending bytes sendable within the downtime limit at the rate measured over the round just delivered (QEMU's
/// <c>pending ≤ bandwidth × downtime-limit</c>); a round that grew; the round limit; the data limit (all three
/// stop anyway, with a downtime over the target); the abort deadline. Otherwise another round starts at once.
/// The stop-and-copy sends the pending pages plus the device state while the VM is paused (it dirties
/// nothing), and the downtime ends a resume delay after they arrive.</para>
/// <para>Simplifications: Xen's rate adaptation and QEMU's auto-converge (vCPU throttling), XBZRLE and
/// compression are not modelled; Xen's "fewer than 50 pages" rule looks at the pages pending, not at the
/// round just sent. Time and sizes are integers (picoseconds, whole pages), so a run is exact and repeatable.</para>
/// </remarks>
public sealed class PreCopyMigration : ILiveMigration
{
    private readonly DirtyPageModel _vm;
    private readonly MigrationSettings _settings;
    private readonly IMigrationChannel _channel;
    private readonly List<long> _rounds = new();
    private long _start;
    private long _roundStart;
    private long _stoppedAt;
    private long _stopAndCopyBytes;
    private MigrationStopReason? _reason;

    public PreCopyMigration(DirtyPageModel vm, MigrationSettings settings, IMigrationChannel channel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vm.RamBytes, 1, nameof(vm));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.PageSize, 1, nameof(settings));
        _vm = vm;
        _settings = settings;
        _channel = channel;
    }

    public MigrationPhase Phase { get; private set; } = MigrationPhase.NotStarted;

    /// <summary>The result, once the phase is <see cref="MigrationPhase.Completed"/> or <see cref="MigrationPhase.Aborted"/>.</summary>
    public MigrationOutcome? Outcome { get; private set; }

    public IReadOnlyList<long> RoundBytes => _rounds;

    public long StopAndCopyBytes => _stopAndCopyBytes;

    public MigrationStopReason? StopReason => _reason;

    /// <summary>The end of the downtime: known once the stop-and-copy has arrived.</summary>
    public long? ResumeAt => Phase == MigrationPhase.Completed ? Outcome!.End : null;

    /// <summary>Starts round 0 (all of RAM) at <paramref name="now"/>.</summary>
    public void Start(long now)
    {
        Expect(MigrationPhase.NotStarted);
        _start = now;
        Phase = MigrationPhase.PreCopy;
        SendRound(now, _vm.RamPages(_settings.PageSize) * _settings.PageSize);
    }

    /// <summary>The transfer last asked of the channel arrived at <paramref name="now"/>: decide what comes next.</summary>
    public void Delivered(long now)
    {
        switch (Phase)
        {
            case MigrationPhase.PreCopy:
                RoundDelivered(now);
                break;
            case MigrationPhase.StopAndCopy:
                var end = now + _settings.ResumeDelay;
                Finish(MigrationPhase.Completed, end, end - _stoppedAt);
                break;
            default:
                throw new InvalidOperationException($"nothing was being sent in phase {Phase}");
        }
    }

    private void RoundDelivered(long now)
    {
        var sent = _rounds[^1];
        var duration = now - _roundStart;
        var dirtyPages = _vm.PagesDirtiedDuring(duration, _settings.PageSize);
        var pending = dirtyPages * _settings.PageSize;
        var reason = Decide(now, sent, duration, dirtyPages, pending);
        if (reason is null)
        {
            SendRound(now, pending);
            return;
        }
        _reason = reason.Value;
        if (reason == MigrationStopReason.Aborted)
        {
            Finish(MigrationPhase.Aborted, now, 0);
            return;
        }
        Phase = MigrationPhase.StopAndCopy;
        _stoppedAt = now;
        _stopAndCopyBytes = pending + _settings.DeviceStateBytes;
        if (_stopAndCopyBytes == 0) Delivered(now);   // nothing left to send: only the resume delay
        else _channel.Send(_stopAndCopyBytes);
    }

    private MigrationStopReason? Decide(long now, long sent, long duration, long dirtyPages, long pending)
    {
        var s = _settings;
        if (dirtyPages < Math.Max(1, s.MinPagesToContinue)) return MigrationStopReason.FewDirtyPages;
        // The pending bytes at the rate measured over the round just delivered (sent bytes in duration ps).
        if (s.DowntimeLimit is { } limit && (Int128)pending * duration <= (Int128)limit * sent) return MigrationStopReason.DowntimeTarget;
        if (s.StopWhenRoundGrows && pending > sent) return MigrationStopReason.RoundGrew;
        if (s.MaxRounds is { } rounds && _rounds.Count >= rounds) return MigrationStopReason.RoundLimit;
        if (s.MaxDataFactor is { } factor && _rounds.Sum() > factor * _vm.RamPages(s.PageSize) * s.PageSize) return MigrationStopReason.DataLimit;
        if (s.AbortAfter is { } abort && now - _start >= abort) return MigrationStopReason.Aborted;
        return null;
    }

    private void SendRound(long now, long bytes)
    {
        _roundStart = now;
        _rounds.Add(bytes);
        _channel.Send(bytes);
    }

    private void Finish(MigrationPhase phase, long end, long downtime)
    {
        Phase = phase;
        Outcome = new MigrationOutcome(_start, end, _rounds.ToArray(), _stopAndCopyBytes, downtime, _reason!.Value);
    }

    private void Expect(MigrationPhase phase)
    {
        if (Phase != phase) throw new InvalidOperationException($"expected phase {phase}, is {Phase}");
    }
}
