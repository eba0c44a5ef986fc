namespace DcSim.ActorsHost.Migration;

/// <summary>
/// A live migration as a state machine on virtual time (pre-copy or post-copy): its owner starts it, and tells it each time the
/// transfer it asked of its <see cref="IMigrationChannel"/> has arrived; it says where it is and when the VM runs at the destination.
/// </summary>
public interface ILiveMigration
{
    MigrationPhase Phase { get; }

    /// <summary>When the VM runs at the destination, once that is decided; null before.</summary>
    long? ResumeAt { get; }

    /// <summary>The bytes of each memory pass asked so far (pre-copy rounds, or post-copy's one pass), round 0 first.</summary>
    IReadOnlyList<long> RoundBytes { get; }

    /// <summary>The bytes of the stop-and-copy once it started (pending pages and device state), else 0.</summary>
    long StopAndCopyBytes { get; }

    /// <summary>Why the pre-copy rounds ended, once they did; null before.</summary>
    MigrationStopReason? StopReason { get; }

    /// <summary>The result, once the phase is <see cref="MigrationPhase.Completed"/> or <see cref="MigrationPhase.Aborted"/>.</summary>
    MigrationOutcome? Outcome { get; }

    void Start(long now);

    /// <summary>The transfer last asked of the channel arrived at <paramref name="now"/>.</summary>
    void Delivered(long now);
}
