using DcSim.ActorsNetwork.OpenFlow;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

public sealed class ClassifierSpec
{
    [Theory]
    [InlineData(1, 50, 3000)]
    [InlineData(2, 300, 3000)]
    [InlineData(3, 2000, 800)]
    public void Lookup_must_find_the_rule_a_linear_scan_finds_and_return_a_sufficient_mask(int seed, int ruleCount, int packetCount)
    {
        // arrange
        var gen = new RandomRules(seed);
        var cls = new Classifier();
        var oracle = new LinearClassifier();
        for (var i = 0; i < ruleCount; i++)
        {
            var r = gen.NextRule();
            if (cls.Insert(r) is { } replaced) oracle.Remove(replaced);
            oracle.Insert(r);
        }

        for (var n = 0; n < packetCount; n++)
        {
            // act
            var packet = gen.NextPacket();
            var wc = new FlowKey();
            var found = cls.Lookup(packet, ref wc);

            // assert: same winner as the oracle ...
            AssertSameWinner(oracle.Best(packet), found);
            // ... and every packet agreeing on the consulted bits gets that winner too.
            for (var k = 0; k < 5; k++) AssertSameWinner(oracle.Best(gen.Perturb(packet, wc)), found);
        }
    }

    [Fact]
    public void Removing_rules_must_keep_lookups_equal_to_the_oracle()
    {
        // arrange
        var gen = new RandomRules(7);
        var cls = new Classifier();
        var oracle = new LinearClassifier();
        var rules = new List<OpenFlowRule>();
        for (var i = 0; i < 800; i++)
        {
            var r = gen.NextRule();
            if (cls.Insert(r) is { } replaced) { oracle.Remove(replaced); rules.Remove(replaced); }
            oracle.Insert(r);
            rules.Add(r);
        }

        // act: remove every other rule
        for (var i = 0; i < rules.Count; i += 2)
        {
            Assert.True(cls.Remove(rules[i]));
            oracle.Remove(rules[i]);
        }

        // assert
        Assert.Equal(rules.Count - (rules.Count + 1) / 2, cls.Count);
        for (var n = 0; n < 3000; n++)
        {
            var packet = gen.NextPacket();
            var wc = new FlowKey();
            var found = cls.Lookup(packet, ref wc);
            AssertSameWinner(oracle.Best(packet), found);
            AssertSameWinner(oracle.Best(gen.Perturb(packet, wc)), found);
        }
        Assert.False(cls.Remove(rules[0]));
    }

    [Fact]
    public void A_rule_with_the_same_match_and_priority_must_replace_the_old_one()
    {
        var cls = new Classifier();
        var a = OpenFlowTestKit.Rule("priority=5,ip,nw_dst=10.0.0.0/8,actions=output:1");
        var b = OpenFlowTestKit.Rule("priority=5,ip,nw_dst=10.0.0.0/8,actions=output:2");
        var c = OpenFlowTestKit.Rule("priority=6,ip,nw_dst=10.0.0.0/8,actions=output:3");

        Assert.Null(cls.Insert(a));
        Assert.Same(a, cls.Insert(b));
        Assert.Null(cls.Insert(c));

        Assert.Equal(2, cls.Count);
        Assert.Same(b, cls.FindExactly(b.Match, 5));
        Assert.Same(c, cls.FindExactly(c.Match, 6));
    }

    [Fact]
    public void A_lookup_must_not_scan_every_rule()
    {
        // arrange: 5,000 random rules
        var gen = new RandomRules(11);
        var cls = new Classifier();
        for (var i = 0; i < 5000; i++) cls.Insert(gen.NextRule());
        var stats = new LookupStats();

        // act
        for (var n = 0; n < 2000; n++)
        {
            var wc = new FlowKey();
            cls.Lookup(gen.NextPacket(), ref wc, stats);
        }

        // assert: at most one rule per probed subtable, and early exit skips subtables
        Assert.True(stats.RulesExamined <= stats.SubtablesProbed);
        Assert.True(stats.SubtablesProbed / (double)stats.Lookups < cls.SubtableCount, $"{stats.SubtablesProbed / (double)stats.Lookups} of {cls.SubtableCount}");
        Assert.True(stats.RulesExamined / (double)stats.Lookups < 50);
    }

    [Fact]
    public void Overlapping_rules_of_equal_priority_must_be_decided_by_subtable_order_as_in_OVS()
    {
        // arrange: as checked with OVS 3.1, the rule whose subtable came first wins; re-adding it moves it last
        var tables = new FlowTables();
        var ip = OpenFlowTestKit.Rule("priority=5,ip,nw_src=10.0.0.0/8,actions=output:1");
        tables.Add(ip);
        tables.Add(OpenFlowTestKit.Rule("priority=5,tcp,actions=output:2"));
        var packet = FlowParser.ParsePacket("in_port=3,tcp,nw_src=10.1.1.1");
        var wc = new FlowKey();

        // act + assert
        Assert.Equal("output:1", tables.Table(0).Lookup(packet, ref wc)!.ActionsText);
        tables.Remove(ip);
        tables.Add(OpenFlowTestKit.Rule("priority=5,ip,nw_src=10.0.0.0/8,actions=output:1"));
        Assert.Equal("output:2", tables.Table(0).Lookup(packet, ref wc)!.ActionsText);
    }

    [Fact]
    public void The_same_rule_changes_must_give_the_same_lookups_and_masks()
    {
        // arrange: two classifiers built by the same sequence of inserts and removals
        (Classifier Cls, List<OpenFlowRule> Rules) Build()
        {
            var gen = new RandomRules(21);
            var cls = new Classifier();
            var rules = new List<OpenFlowRule>();
            for (var i = 0; i < 600; i++) { var r = gen.NextRule(); cls.Insert(r); rules.Add(r); }
            for (var i = 0; i < rules.Count; i += 3) cls.Remove(rules[i]);
            return (cls, rules);
        }
        var (a, ra) = Build();
        var (b, rb) = Build();
        var packets = new RandomRules(22);

        for (var n = 0; n < 2000; n++)
        {
            // act
            var p = packets.NextPacket();
            FlowKey wa = default, wb = default;
            var x = a.Lookup(p, ref wa);
            var y = b.Lookup(p, ref wb);

            // assert
            Assert.Equal(x is null ? -1 : ra.IndexOf(x), y is null ? -1 : rb.IndexOf(y));
            Assert.Equal(wa, wb);
        }
    }

    private static void AssertSameWinner(IReadOnlyList<OpenFlowRule> expected, OpenFlowRule? actual)
    {
        if (expected.Count == 0)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected[0].Priority, actual.Priority);
        Assert.Contains(actual, expected);
    }
}
