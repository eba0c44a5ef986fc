namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Where a <see cref="PreCopyMigration"/> puts its memory stream. The migration asks for one transfer
/// at a time; the owner calls <see cref="PreCopyMigration.Delivered"/> when the last byte of it has
/// arrived at the destination. The channel paces the stream at most at
/// <see cref="MigrationSettings.EffectiveRate"/> (QEMU's rate limiter sits in the sender); today a fake
/// in the tests, later TCP traffic between the source and destination servers.
/// </summary>
public interface IMigrationChannel
{
    /// <summary>Starts sending <paramref name="bytes"/> (more than 0: an empty stop-and-copy is not sent) to the destination.</summary>
    void Send(long bytes);
}
