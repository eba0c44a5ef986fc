using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Randomness;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.FlowCache;

public sealed class DatapathSpec
{
    /// <summary>A slow path of two rules on the destination address: 10.0.0.0/8 -> port 1, else port 2 (mask /8 either way).</summary>
    private sealed class TwoRuleSlowPath : ISlowPath<string>
    {
        public int Upcalls { get; private set; }
        public string Inside { get; set; } = "1";
        /// <summary>When set, the rules consult /16 instead of /8.</summary>
        public bool Narrow { get; set; }

        public (string Actions, FlowKey Mask) Translate(in FlowKey key, long now)
        {
            Upcalls++;
            var mask = new FlowKey();
            mask[9] = Narrow ? 0xFFFF_0000 : 0xFF00_0000;
            return ((key[9] & 0xFF00_0000) == 0x0A00_0000 ? Inside : "2", mask);
        }
    }

    private static FlowKey Packet(uint dst, ushort port)
    {
        var k = new FlowKey();
        k[9] = dst;
        k[13] = port;
        return k;
    }

    private static Datapath<string> Create(DatapathProfile profile, TwoRuleSlowPath slow) => new(profile, slow, RandomStreams.Create(1, 1, "datapath"));

    [Fact]
    public void Default_profiles_must_be_those_of_reference_conf()
    {
        // The values DatapathProfile held as constants before they became scenario keys (topology.vswitch).
        Assert.Equal(new DatapathProfile(DatapathKind.Kernel, FlowLimit: 200_000, MaskCacheEntries: 256, EmcEntries: 0, EmcInsertInverseProbability: 0,
            UpcallQueueCapacity: 4_096, CyclesPerPacket: 1_000, CyclesPerEmcLookup: 0, CyclesPerMaskProbe: 100, CyclesPerUpcall: 20_000,
            CyclesPerInstall: 5_000), DatapathProfile.KernelDefaults);
        Assert.Equal(new DatapathProfile(DatapathKind.Netdev, FlowLimit: 200_000, MaskCacheEntries: 0, EmcEntries: 8_192, EmcInsertInverseProbability: 100,
            UpcallQueueCapacity: 4_096, CyclesPerPacket: 150, CyclesPerEmcLookup: 30, CyclesPerMaskProbe: 60, CyclesPerUpcall: 20_000,
            CyclesPerInstall: 5_000), DatapathProfile.NetdevDefaults);
    }

    [Fact]
    public void Kernel_datapath_must_upcall_once_per_megaflow_then_hit()
    {
        // arrange
        var slow = new TwoRuleSlowPath();
        var dp = Create(DatapathProfile.KernelDefaults, slow);

        // act: 100 packets to 10.x (many microflows, one megaflow), 100 to 20.x
        for (var i = 0; i < 100; i++)
        {
            dp.Process(Packet(0x0A00_0000u + (uint)i, (ushort)i), (uint)i, 100, i);
            dp.Process(Packet(0x1400_0000u + (uint)i, (ushort)i), (uint)(1000 + i), 100, i);
        }

        // assert
        Assert.Equal(2, slow.Upcalls);
        Assert.Equal(2, dp.Stats.UpcallsHandled);
        Assert.Equal(198, dp.Stats.MegaflowHits);
        Assert.Equal(200, dp.Stats.Packets);
        Assert.True(dp.Stats.Partitioned);
        Assert.Equal(1, dp.Megaflows.MaskCount);
        Assert.Equal(2, dp.Megaflows.Count);
    }

    [Fact]
    public void Netdev_datapath_with_insertion_always_must_hit_the_exact_match_cache_on_repeats()
    {
        var slow = new TwoRuleSlowPath();
        var dp = Create(DatapathProfile.NetdevDefaults with { EmcInsertInverseProbability = 1 }, slow);
        var (_, first, firstCycles) = dp.Process(Packet(0x0A01_0101, 80), 7, 100, 0);
        var (_, second, _) = dp.Process(Packet(0x0A01_0101, 80), 7, 100, 1);
        var (_, third, thirdCycles) = dp.Process(Packet(0x0A01_0101, 80), 7, 100, 2);
        var (_, other, _) = dp.Process(Packet(0x0A01_0102, 80), 8, 100, 3);
        Assert.Equal(DatapathOutcome.Upcall, first);
        Assert.Equal(DatapathOutcome.ExactMatchHit, second);
        Assert.Equal(DatapathOutcome.ExactMatchHit, third);
        Assert.Equal(DatapathOutcome.MegaflowHit, other);
        Assert.True(firstCycles > 10 * thirdCycles, "an upcall costs far more than a cache hit");
        Assert.True(dp.Stats.Partitioned);
    }

    [Fact]
    public void A_full_upcall_queue_must_lose_the_upcall_and_the_flow_limit_must_stop_installs()
    {
        var slow = new TwoRuleSlowPath();
        var dp = Create(DatapathProfile.KernelDefaults with { UpcallQueueCapacity = 1, FlowLimit = 1 }, slow);
        dp.Process(Packet(0x0A00_0001, 1), 1, 100, 0);           // upcall, installs flow 1 (limit reached)
        dp.Process(Packet(0x1400_0001, 1), 2, 100, 0);           // upcall, limit: not installed
        dp.PendingUpcalls = 1;
        var (actions, outcome, _) = dp.Process(Packet(0x1E00_0001, 1), 3, 100, 0);
        Assert.Equal(DatapathOutcome.UpcallLost, outcome);
        Assert.Null(actions);
        Assert.Equal(1, dp.Stats.UpcallsLost);
        Assert.Equal(1, dp.Stats.InstallsRefused);
        Assert.Equal(1, dp.Megaflows.Count);
        Assert.True(dp.Stats.Partitioned);
    }

    [Fact]
    public void Idle_flows_must_expire_and_a_rule_change_must_update_exactly_the_affected_flows()
    {
        // arrange
        var slow = new TwoRuleSlowPath();
        var dp = Create(DatapathProfile.KernelDefaults, slow);
        dp.Process(Packet(0x0A00_0001, 1), 1, 100, 5_000);
        dp.Process(Packet(0x1400_0001, 1), 2, 100, 0);
        dp.Process(Packet(0x1E00_0001, 1), 3, 100, 5_000);

        // act: 10.0.0.0/8 now goes to port 3 (same mask: the flow is modified, not deleted)
        slow.Inside = "3";
        var deleted = dp.Revalidate(14_000, (a, b) => a == b);
        var expired = dp.ExpireIdle(now: 14_000, maxIdlePs: 10_000);

        // assert
        Assert.Empty(deleted);
        Assert.Equal(1, expired);           // the 20.x flow, last used at 0
        Assert.Equal(2, dp.Megaflows.Count); // 10.x (now to port 3) and 30.x stay
        var upcallsBefore = slow.Upcalls;
        var (actions, outcome, _) = dp.Process(Packet(0x0A00_0002, 1), 1, 100, 14_000);
        Assert.Equal("3", actions);
        Assert.Equal(DatapathOutcome.MegaflowHit, outcome);
        Assert.Equal(upcallsBefore, slow.Upcalls);
    }

    [Fact]
    public void A_rule_change_that_widens_or_narrows_a_mask_must_delete_the_flow()
    {
        var slow = new TwoRuleSlowPath();
        var dp = Create(DatapathProfile.KernelDefaults, slow);
        dp.Process(Packet(0x0A00_0001, 1), 1, 100, 0);
        slow.Narrow = true;
        var deleted = dp.Revalidate(14_000, (a, b) => a == b);
        Assert.Single(deleted);
        Assert.Equal(0, dp.Megaflows.Count);
        Assert.Equal(DatapathOutcome.Upcall, dp.Process(Packet(0x0A00_0001, 1), 1, 100, 1).Outcome);
    }
}
