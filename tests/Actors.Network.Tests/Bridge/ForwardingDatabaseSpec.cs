using DcSim.ActorsNetwork.Bridges;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Bridges;

/// <summary>The bridge's forwarding database on its own: expiry at exactly the ageing time, the learning limit, purges.</summary>
public sealed class ForwardingDatabaseSpec
{
    private const long Ageing = 1_000;
    private const ulong A = 0x0200_0000_0001, B = 0x0200_0000_0002, C = 0x0200_0000_0003;

    [Fact]
    public void Lookup_must_ignore_an_entry_from_exactly_one_ageing_time_on_without_a_purge()
    {
        // arrange
        var fdb = new ForwardingDatabase(new BridgeSettings(Ageing, 0));
        fdb.Learn(A, 3, 100);

        // act + assert: usable up to 1 ps before expiry; expired at last-seen + ageing, while still held
        Assert.Equal(3, fdb.Lookup(A, 100 + Ageing - 1));
        Assert.Equal(-1, fdb.Lookup(A, 100 + Ageing));
        Assert.Equal(1, fdb.Count);
    }

    [Fact]
    public void Learn_must_refresh_move_and_relearn_an_expired_entry_as_new()
    {
        // arrange
        var fdb = new ForwardingDatabase(new BridgeSettings(Ageing, 0));

        // act + assert
        Assert.Equal(FdbLearnOutcome.Learned, fdb.Learn(A, 1, 0));
        Assert.Equal(FdbLearnOutcome.Refreshed, fdb.Learn(A, 1, 900));
        Assert.Equal(FdbLearnOutcome.Moved, fdb.Learn(A, 2, 1_800));   // alive thanks to the refresh at 900
        Assert.Equal(FdbLearnOutcome.Learned, fdb.Learn(A, 2, 2_800)); // expired at 2 800: gone, learned afresh
        Assert.Equal((1L, 1), (fdb.Aged, fdb.Count));
    }

    [Fact]
    public void A_full_table_must_refuse_new_addresses_until_an_entry_expires_then_take_its_place()
    {
        // arrange
        var fdb = new ForwardingDatabase(new BridgeSettings(Ageing, 2));
        fdb.Learn(A, 1, 0);
        fdb.Learn(B, 2, 500);

        // act + assert: full; at 1 000 A has expired, and C takes its place without a separate purge
        Assert.Equal(FdbLearnOutcome.Full, fdb.Learn(C, 3, 999));
        Assert.Equal(FdbLearnOutcome.Learned, fdb.Learn(C, 3, 1_000));
        Assert.Equal((-1, 2, 3), (fdb.Lookup(A, 1_000), fdb.Lookup(B, 1_000), fdb.Lookup(C, 1_000)));
        Assert.Equal((1L, 2), (fdb.Aged, fdb.Count));
    }

    [Fact]
    public void Purge_must_remove_expired_entries_and_tell_when_the_next_one_expires()
    {
        // arrange
        var fdb = new ForwardingDatabase(new BridgeSettings(Ageing, 0));
        fdb.Learn(A, 1, 0);
        fdb.Learn(B, 1, 300);
        fdb.Learn(C, 1, 700);

        // act + assert
        Assert.Equal(1_300, fdb.Purge(1_000));
        Assert.Equal((1L, 2), (fdb.Aged, fdb.Count));
        Assert.Equal(long.MaxValue, fdb.Purge(1_700));
        Assert.Equal((3L, 0), (fdb.Aged, fdb.Count));
    }

    [Fact]
    public void Settings_must_refuse_a_negative_ageing_time_or_limit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BridgeSettings(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BridgeSettings(0, -1));
    }
}
