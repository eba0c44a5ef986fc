using DcSim.ActorsHost.Migration;
using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// A test channel on its own virtual clock: each transfer is delivered bytes / rate after it was asked for,
/// at a rate the test may change per transfer (the first rates listed, then the last one for ever).
/// </summary>
internal sealed class FixedRateChannel(params DataRate[] rates) : IMigrationChannel
{
    private long? _pending;

    public List<long> Sends { get; } = new();

    public void Send(long bytes)
    {
        if (_pending is not null) throw new InvalidOperationException("a second transfer before the first was delivered");
        _pending = bytes;
        Sends.Add(bytes);
    }

    /// <summary>Runs <paramref name="migration"/> from time 0 until it ends or <paramref name="maxTransfers"/> were sent.</summary>
    public long Drive(PreCopyMigration migration, int maxTransfers = 10_000)
    {
        long now = 0;
        migration.Start(now);
        while (migration.Outcome is null && Sends.Count <= maxTransfers)
        {
            var bytes = _pending ?? throw new InvalidOperationException("the migration is waiting for nothing");
            _pending = null;
            now += rates[Math.Min(Sends.Count - 1, rates.Length - 1)].TransmitTime(bytes);
            migration.Delivered(now);
        }
        return now;
    }

    /// <summary>Migrates <paramref name="vm"/> over a link of rate <paramref name="link"/> (capped as the settings say).</summary>
    public static MigrationOutcome Migrate(DirtyPageModel vm, MigrationSettings settings, DataRate link)
    {
        var channel = new FixedRateChannel(settings.EffectiveRate(link));
        var migration = new PreCopyMigration(vm, settings, channel);
        channel.Drive(migration);
        return migration.Outcome ?? throw new InvalidOperationException("the migration did not end");
    }
}
