using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Randomness;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.FlowCache;

public sealed class MegaflowCacheSpec
{
    private static FlowKey Key(ulong w9, ulong w13 = 0)
    {
        var k = new FlowKey();
        k[9] = w9;
        k[13] = w13;
        return k;
    }

    private static FlowKey Mask(ulong w9, ulong w13 = 0) => Key(w9, w13);

    [Fact]
    public void Lookup_must_probe_masks_in_order_until_a_table_holds_the_key()
    {
        // arrange: three masks; the key is in the third
        var cache = new MegaflowCache<string>();
        cache.Insert(Key(0x0A00_0000), Mask(0xFF00_0000), "a", 0);
        cache.Insert(Key(0x0B0B_0000), Mask(0xFFFF_0000), "b", 0);
        cache.Insert(Key(0x0C0C_0C00, 80), Mask(0xFFFF_FF00, 0xFFFF), "c", 0);

        // act
        var (flow, probes, index) = cache.Lookup(Key(0x0C0C_0C07, 80));
        var (miss, missProbes, _) = cache.Lookup(Key(0x0D00_0000));

        // assert
        Assert.Equal("c", flow!.Actions);
        Assert.Equal(3, probes);
        Assert.Equal(2, index);
        Assert.Null(miss);
        Assert.Equal(3, missProbes);
        Assert.Equal(3, cache.MaskCount);
    }

    [Fact]
    public void A_mask_cache_hint_must_make_a_repeat_lookup_probe_one_mask()
    {
        var cache = new MegaflowCache<string>();
        for (var i = 0; i < 10; i++) cache.Insert(Key((ulong)i << 24), Mask(0xFF00_0000UL >> 0 | (ulong)i), $"f{i}", 0);
        var target = cache.Insert(Key(0x6363_0000), Mask(0xFFFF_0000), "hit", 0);
        var first = cache.Lookup(Key(0x6363_1234));
        var hinted = cache.Lookup(Key(0x6363_1234), first.MaskIndex);
        Assert.Same(target, first.Flow);
        Assert.Equal(11, first.Probes);
        Assert.Same(target, hinted.Flow);
        Assert.Equal(1, hinted.Probes);
    }

    [Fact]
    public void Removing_the_last_flow_of_a_mask_must_remove_the_mask()
    {
        var cache = new MegaflowCache<string>();
        var f = cache.Insert(Key(0x0A00_0000), Mask(0xFF00_0000), "a", 0);
        Assert.True(cache.Remove(f));
        Assert.False(f.Alive);
        Assert.Equal(0, cache.MaskCount);
        Assert.Equal(0, cache.Count);
        Assert.Null(cache.Lookup(Key(0x0A01_0203)).Flow);
    }

    [Fact]
    public void Reranking_must_put_the_busiest_subtable_first()
    {
        var cache = new MegaflowCache<string>();
        cache.Insert(Key(0x0A00_0000), Mask(0xFF00_0000), "cold", 0);
        cache.Insert(Key(0x0B0B_0000), Mask(0xFFFF_0000), "hot", 0);
        for (var i = 0; i < 5; i++) cache.Lookup(Key(0x0B0B_0001));
        cache.Rerank();
        var (flow, probes, _) = cache.Lookup(Key(0x0B0B_0002));
        Assert.Equal("hot", flow!.Actions);
        Assert.Equal(1, probes);
    }

    [Fact]
    public void The_mask_cache_must_remember_and_forget_mask_indices()
    {
        var mc = new MaskCache();
        Assert.Equal(-1, mc.Get(12345));
        mc.Set(12345, 7);
        Assert.Equal(7, mc.Get(12345));
        mc.Invalidate();
        Assert.Equal(-1, mc.Get(12345));
        Assert.Equal(-1, new MaskCache(0).Get(12345));
    }

    [Fact]
    public void Exact_match_cache_must_insert_always_at_probability_1_and_rarely_at_1_in_100()
    {
        // arrange
        var cache = new MegaflowCache<string>();
        var flow = cache.Insert(Key(0), Mask(0), "all", 0);
        var always = new ExactMatchCache<string>(1, RandomStreams.Create(1, 0, "emc"));
        var rarely = new ExactMatchCache<string>(100, RandomStreams.Create(1, 0, "emc"));

        // act: 2,000 distinct keys into each
        for (uint i = 0; i < 2_000; i++)
        {
            var k = Key(i);
            always.MaybeInsert(k, i * 2654435761u, flow);
            rarely.MaybeInsert(k, i * 2654435761u, flow);
        }

        // assert: always keeps (nearly) every key, 1-in-100 about 20
        Assert.InRange(always.Count, 1_900, 2_000);
        Assert.InRange(rarely.Count, 8, 40);
        Assert.Same(flow, always.Lookup(Key(1_999), unchecked(1_999 * 2654435761u)));
        Assert.Null(always.Lookup(Key(5_000), unchecked(5_000 * 2654435761u)));
    }

    [Fact]
    public void Exact_match_entries_of_a_deleted_megaflow_must_miss()
    {
        var cache = new MegaflowCache<string>();
        var flow = cache.Insert(Key(0x0A00_0000), Mask(0xFF00_0000), "a", 0);
        var emc = new ExactMatchCache<string>(1, RandomStreams.Create(1, 0, "emc"));
        emc.MaybeInsert(Key(0x0A00_0001), 42, flow);
        Assert.Same(flow, emc.Lookup(Key(0x0A00_0001), 42));
        cache.Remove(flow);
        Assert.Null(emc.Lookup(Key(0x0A00_0001), 42));
    }
}
