using DcSim.ActorsNetwork.Nat;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Nat;

/// <summary>nf_conntrack's table: timeouts by state as Linux sets them, early drop of unassured entries, the collector's pacing.</summary>
public sealed class ConntrackTableSpec
{
    private const long S = SimTime.Second;
    private static readonly EndpointAddress Container = new(100, 0x0200_0000_0064, 0xAC11_0002);

    /// <summary>A masqueraded connection from the container's port <paramref name="port"/> to 10.0.0.9:53.</summary>
    private static ConntrackEntry Entry(ushort port, long at, byte protocol = PacketHeaders.Udp)
    {
        var original = new ConntrackTuple(0xAC11_0002, 0x0A00_0009, port, 53, protocol);
        return new ConntrackEntry(original, new ConntrackTuple(0x0A00_0009, 0x0A00_0001, 53, port, protocol), NatKind.Masquerade, Container, at);
    }

    [Fact]
    public void Udp_entries_must_live_30s_until_replied_and_120s_once_a_stream_after_2s()
    {
        // arrange
        var table = new ConntrackTable(NatSettings.Linux);
        var lonely = Entry(5000, 0);
        var replied = Entry(5001, 0);
        var lateReply = Entry(5002, 0);
        table.Add(lonely);
        table.Add(replied);
        table.Add(lateReply);

        // act + assert: unreplied, found until just before 30 s, gone at 30 s
        Assert.Same(lonely, table.Find(lonely.Original, 30 * S - 1, out _));
        Assert.Null(table.Find(lonely.Original, 30 * S, out _));
        Assert.Equal((1L, 2), (table.Expired, table.Count));

        // the first reply still counts as unreplied; a packet within 2 s of creation is no stream yet; one after is
        Assert.Same(replied, table.Find(replied.Reply, S, out var isReply));
        Assert.True(isReply);
        table.Seen(replied, reply: true, S);
        Assert.Equal((31 * S, true, false), (replied.ExpiresAt, replied.SeenReply, replied.Assured));
        table.Seen(replied, reply: false, 2 * S);
        Assert.Equal((32 * S, false), (replied.ExpiresAt, replied.Assured));
        table.Seen(replied, reply: false, 3 * S);
        Assert.Equal((123 * S, true), (replied.ExpiresAt, replied.Assured));
        // a first reply later than 2 s is still only a reply: the stream starts with the packet after it
        table.Seen(lateReply, reply: true, 3 * S);
        Assert.Equal((33 * S, false), (lateReply.ExpiresAt, lateReply.Assured));
    }

    [Fact]
    public void Tcp_entries_must_follow_the_handshake_read_from_directions_syn_sent_syn_recv_established()
    {
        // arrange
        var table = new ConntrackTable(NatSettings.Linux);
        var entry = Entry(40000, 0, PacketHeaders.Tcp);

        // act + assert
        table.Add(entry);
        Assert.Equal(120 * S, entry.ExpiresAt);
        table.Seen(entry, reply: true, S);
        Assert.Equal((61 * S, false), (entry.ExpiresAt, entry.Assured));
        table.Seen(entry, reply: false, 2 * S);
        Assert.Equal((432_002 * S, true), (entry.ExpiresAt, entry.Assured));
    }

    [Fact]
    public void A_full_table_must_early_drop_unassured_entries_of_the_scanned_bucket_and_refuse_when_all_are_assured()
    {
        // arrange: one bucket, room for two: one assured TCP connection, one unreplied UDP one
        var table = new ConntrackTable(NatSettings.Linux with { MaxEntries = 2, Buckets = 1 });
        var assured = Entry(40000, 0, PacketHeaders.Tcp);
        var unreplied = Entry(5000, 0);
        table.Add(assured);
        table.Add(unreplied);
        table.Seen(assured, reply: true, S);
        table.Seen(assured, reply: false, S);

        // act + assert: the unreplied entry makes room, the assured one stays
        Assert.True(table.MakeRoom(Entry(5001, 0).Original.Hash(), 2 * S));
        Assert.Equal((1L, 1), (table.EarlyDrops, table.Count));
        Assert.Null(table.Find(unreplied.Original, 2 * S, out _));
        Assert.Same(assured, table.Find(assured.Original, 2 * S, out _));

        // a table full of assured entries refuses
        var full = new ConntrackTable(NatSettings.Linux with { MaxEntries = 1, Buckets = 1 });
        full.Add(assured);
        Assert.False(full.MakeRoom(Entry(5001, 0).Original.Hash(), 2 * S));
        Assert.Equal((0L, 1), (full.EarlyDrops, full.Count));
    }

    [Fact]
    public void Early_drop_must_only_look_at_the_buckets_in_its_eviction_range()
    {
        // arrange: 1024 buckets, scan one; an unreplied entry whose both tuples lie in other buckets than the new flow's
        var table = new ConntrackTable(NatSettings.Linux with { MaxEntries = 1, Buckets = 1024, EvictionRange = 1 });
        var old = Entry(5000, 0);
        table.Add(old);
        var far = Enumerable.Range(5001, 1000).Select(p => Entry((ushort)p, 0).Original)
            .First(t => table.Bucket(t.Hash()) != table.Bucket(old.Original.Hash()) && table.Bucket(t.Hash()) != table.Bucket(old.Reply.Hash()));
        var near = Enumerable.Range(5001, 60_000).Select(p => old.Original with { SourcePort = (ushort)p })
            .First(t => table.Bucket(t.Hash()) == table.Bucket(old.Original.Hash()));

        // act + assert: a new flow hashing elsewhere cannot evict it; one in its bucket can
        Assert.False(table.MakeRoom(far.Hash(), S));
        Assert.True(table.MakeRoom(near.Hash(), S));
        Assert.Equal((1L, 0), (table.EarlyDrops, table.Count));
    }

    [Fact]
    public void The_collector_must_remove_expired_entries_and_pace_itself_by_the_mean_remaining_lifetime()
    {
        // arrange: three unreplied UDP entries created at 0 (expire at 30 s)
        var table = new ConntrackTable(NatSettings.Linux);
        foreach (var port in new ushort[] { 5000, 5001, 5002 }) table.Add(Entry(port, 0));

        // act + assert: at 1 s nothing is due; the next run is the mean of 100 pretend 60 s lifetimes and three of 29 s
        Assert.Equal(S + (100 * 60 * S + 3 * 29 * S) / 103, table.Collect(S));
        Assert.Equal(3, table.Count);
        // at 31 s all three go; an empty table waits the maximum interval
        Assert.Equal(91 * S, table.Collect(31 * S));
        Assert.Equal((0, 3L), (table.Count, table.Expired));
    }
}
