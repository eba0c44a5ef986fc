using DcSim.ActorsHost.Migration;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Migration.FixedRateChannel;

namespace DcSim.ActorsHost.Tests.Migration;

/// <summary>
/// The pre-copy state machine against hand-computed closed forms, driven by a channel at a fixed rate
/// (a transfer of B bytes is delivered B / rate later). Defaults: 4 KiB pages, 2 MiB device state, 5 ms resume.
/// </summary>
public sealed class PreCopyMigrationSpec
{
    private const long GiB = 1L << 30, MiB = 1L << 20, MB = 1_000_000;
    private const long Ms = SimTime.Millisecond;
    private static readonly DataRate Gbps1 = new(1_000_000_000), Gbps10 = new(10_000_000_000);
    private static readonly MigrationSettings QemuOnLink = MigrationSettings.Qemu with { MaxBandwidth = default };

    [Fact]
    public void Migration_must_send_RAM_once_then_only_the_device_state_when_the_VM_dirties_nothing()
    {
        // act
        var outcome = Migrate(DirtyPageModel.Uniform(GiB, 0), QemuOnLink, Gbps10);

        // assert: 1 GiB at 10 Gb/s = 858.9934592 ms, 2 MiB = 1.6777216 ms, + 5 ms resume
        Assert.Equal([GiB], outcome.RoundBytes);
        Assert.Equal(2 * MiB, outcome.StopAndCopyBytes);
        Assert.Equal(6_677_721_600, outcome.Downtime);
        Assert.Equal(865_671_180_800, outcome.TotalTime);
        Assert.Equal(MigrationStopReason.FewDirtyPages, outcome.Reason);
        Assert.True(outcome.Converged);
    }

    [Fact]
    public void Migration_must_send_nothing_in_the_stop_and_copy_when_nothing_is_left()
    {
        // arrange
        var channel = new FixedRateChannel(Gbps10);
        var migration = new PreCopyMigration(DirtyPageModel.Uniform(GiB, 0), QemuOnLink with { DeviceStateBytes = 0 }, channel);

        // act
        channel.Drive(migration);

        // assert: the downtime is the resume delay alone
        Assert.Equal([GiB], channel.Sends);
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        Assert.Equal(5 * Ms, migration.Outcome!.Downtime);
    }

    [Fact]
    public void Round_volumes_must_shrink_as_the_dirty_rate_over_the_bandwidth_when_it_is_below_1()
    {
        // arrange: D / R = 100 MB/s / 125 MB/s = 0.8; QEMU stops when pending ≤ 125 MB/s × 300 ms = 37.5 MB
        var outcome = Migrate(DirtyPageModel.Uniform(GiB, 100 * MB), QemuOnLink, Gbps1);

        // assert: V_i = V_0 0.8^i (each round rounded down to whole pages), 0.8^15 V_0 = 37.8 MB > 37.5 MB ≥ 0.8^16 V_0
        for (var i = 0; i < outcome.Rounds; i++)
            Assert.InRange(outcome.RoundBytes[i], GiB * Math.Pow(0.8, i) - (i + 1) * 4096, GiB * Math.Pow(0.8, i));
        Assert.Equal(16, outcome.Rounds);
        Assert.Equal(MigrationStopReason.DowntimeTarget, outcome.Reason);
        Assert.InRange(outcome.StopAndCopyBytes - 2 * MiB, 37_500_000 * 0.8 * 0.99, 37_500_000);
        Assert.InRange(outcome.Downtime, 250 * Ms, 300 * Ms);
    }

    [Fact]
    public void Migration_must_stop_after_one_round_when_its_dirty_pages_fit_the_downtime_limit()
    {
        // act: 4 GiB at 10 Gb/s takes 3.4359738368 s, in which 100 MB/s dirties 83,886 whole pages
        var outcome = Migrate(DirtyPageModel.Uniform(4 * GiB, 100 * MB), QemuOnLink, Gbps10);

        // assert: 343,597,056 B ≤ 1.25 GB/s × 300 ms = 375 MB; (343,597,056 + 2 MiB) × 0.8 ns + 5 ms
        Assert.Equal([4 * GiB], outcome.RoundBytes);
        Assert.Equal(83_886 * 4096 + 2 * MiB, outcome.StopAndCopyBytes);
        Assert.Equal(281_555_366_400, outcome.Downtime);
        Assert.Equal(MigrationStopReason.DowntimeTarget, outcome.Reason);
    }

    [Fact]
    public void Rounds_must_be_bounded_by_the_writable_working_set()
    {
        // arrange: 1000 MB/s would dirty all of RAM in a round at 1 Gb/s, but only 64 MiB are ever written
        var vm = new DirtyPageModel(GiB, 64 * MiB, 1000 * MB);

        // act
        var outcome = Migrate(vm, MigrationSettings.Xen, Gbps1);

        // assert: 29 rounds (1 GiB + 28 × 64 MiB < 3 GiB), then 64 MiB + 2 MiB at 1 Gb/s + 5 ms
        Assert.Equal(29, outcome.Rounds);
        Assert.All(outcome.RoundBytes.Skip(1), v => Assert.Equal(64 * MiB, v));
        Assert.Equal(MigrationStopReason.RoundLimit, outcome.Reason);
        Assert.False(outcome.Converged);
        Assert.Equal(558_648_128_000, outcome.Downtime);
    }

    [Fact]
    public void Xen_must_stop_at_3_times_RAM_with_a_long_downtime_when_the_dirty_rate_exceeds_the_bandwidth()
    {
        // act: D = 1000 MB/s > R = 125 MB/s: every round re-sends all of RAM (8.589934592 s)
        var outcome = Migrate(DirtyPageModel.Uniform(GiB, 1000 * MB), MigrationSettings.Xen, Gbps1);

        // assert: after 4 rounds 4 GiB > 3 GiB were sent; then 1 GiB + 2 MiB paused
        Assert.Equal([GiB, GiB, GiB, GiB], outcome.RoundBytes);
        Assert.Equal(MigrationStopReason.DataLimit, outcome.Reason);
        Assert.False(outcome.Converged);
        Assert.Equal(8_611_711_808_000, outcome.Downtime);
        Assert.Equal(42_971_450_176_000, outcome.TotalTime);
        Assert.Equal(5 * GiB + 2 * MiB, outcome.TotalBytes);
    }

    [Fact]
    public void Qemu_must_keep_sending_rounds_when_the_migration_cannot_converge()
    {
        // arrange
        var channel = new FixedRateChannel(Gbps1);
        var migration = new PreCopyMigration(DirtyPageModel.Uniform(GiB, 1000 * MB), QemuOnLink, channel);

        // act
        channel.Drive(migration, maxTransfers: 1000);

        // assert
        Assert.Equal(MigrationPhase.PreCopy, migration.Phase);
        Assert.Null(migration.Outcome);
        Assert.All(channel.Sends, v => Assert.Equal(GiB, v));
    }

    [Fact]
    public void Qemu_must_abort_at_the_first_round_end_after_abort_after()
    {
        // act: rounds of 8.589934592 s; the 7th ends at 60.129542144 s ≥ 60 s
        var outcome = Migrate(DirtyPageModel.Uniform(GiB, 1000 * MB), QemuOnLink with { AbortAfter = 60 * SimTime.Second }, Gbps1);

        // assert: the VM stays on the source, not paused
        Assert.Equal(MigrationStopReason.Aborted, outcome.Reason);
        Assert.Equal(7, outcome.Rounds);
        Assert.Equal(60_129_542_144_000, outcome.End);
        Assert.Equal(0, outcome.Downtime);
        Assert.Equal(0, outcome.StopAndCopyBytes);
    }

    [Fact]
    public void Qemu_must_stop_anyway_at_a_round_limit()
    {
        var outcome = Migrate(DirtyPageModel.Uniform(GiB, 1000 * MB), QemuOnLink with { MaxRounds = 5 }, Gbps1);

        Assert.Equal(5, outcome.Rounds);
        Assert.Equal(MigrationStopReason.RoundLimit, outcome.Reason);
        Assert.Equal(GiB + 2 * MiB, outcome.StopAndCopyBytes);
    }

    [Fact]
    public void Qemu_must_send_at_its_max_bandwidth_when_the_link_is_faster()
    {
        // act: the default 128 MiB/s cap on a 10 Gb/s link
        var outcome = Migrate(DirtyPageModel.Uniform(GiB, 0), MigrationSettings.Qemu, Gbps10);

        // assert: 1 GiB in 8 s, 2 MiB in 15.625 ms, + 5 ms
        Assert.Equal(8_020_625 * SimTime.Microsecond, outcome.TotalTime);
        Assert.Equal(Gbps1, MigrationSettings.Qemu.EffectiveRate(Gbps1));
    }

    [Fact]
    public void Xen_must_stop_when_a_round_dirties_more_than_it_sent()
    {
        // arrange: round 0 at 10 Gb/s, then competing traffic leaves 100 Mb/s
        var channel = new FixedRateChannel(Gbps10, new DataRate(100_000_000));
        var migration = new PreCopyMigration(DirtyPageModel.Uniform(GiB, 100 * MB), MigrationSettings.Xen, channel);

        // act
        channel.Drive(migration);

        // assert: round 1 sends 85,897,216 B in 6.87177728 s, in which 687,177,728 B are dirtied
        var outcome = migration.Outcome!;
        Assert.Equal([GiB, 85_897_216], outcome.RoundBytes);
        Assert.Equal(MigrationStopReason.RoundGrew, outcome.Reason);
        Assert.Equal(687_177_728 + 2 * MiB, outcome.StopAndCopyBytes);
    }

    [Fact]
    public void Migration_must_reject_a_delivery_before_it_started()
    {
        var migration = new PreCopyMigration(DirtyPageModel.Uniform(GiB, 0), MigrationSettings.Xen, new FixedRateChannel(Gbps1));

        Assert.Throws<InvalidOperationException>(() => migration.Delivered(0));
    }
}
