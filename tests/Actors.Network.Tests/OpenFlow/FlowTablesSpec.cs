using DcSim.ActorsNetwork.OpenFlow;
using Xunit;
using static DcSim.ActorsNetwork.Tests.OpenFlow.OpenFlowTestKit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

public sealed class FlowTablesSpec
{
    private static FlowTables Tables(params string[] rules)
    {
        var t = new FlowTables();
        foreach (var r in rules) t.Add(Rule(r));
        return t;
    }

    [Fact]
    public void Adding_a_rule_with_the_same_match_and_priority_must_report_the_replaced_rule()
    {
        var t = Tables("priority=5,ip,nw_dst=10.0.0.0/8,actions=output:1");
        var old = t.Rules.Single();

        var change = t.Add(Rule("priority=5,ip,nw_dst=10.0.0.0/8,actions=output:2"));

        Assert.Equal([old], change.Removed);
        Assert.Equal("output:2", t.Rules.Single().ActionsText);
        Assert.Equal([(byte)0], change.Tables);
    }

    [Fact]
    public void Loose_delete_must_remove_every_rule_at_least_as_specific_in_every_table()
    {
        // arrange
        var t = Tables("table=0,priority=5,ip,nw_dst=10.1.0.0/16,actions=drop", "table=1,priority=7,tcp,nw_dst=10.2.3.4,actions=drop",
            "table=0,priority=5,ip,nw_dst=11.0.0.0/8,actions=drop", "table=0,priority=5,actions=drop");

        // act
        var change = t.Delete(Match("ip,nw_dst=10.0.0.0/8"), 0, strict: false, table: null);

        // assert
        Assert.Equal(["ip,nw_dst=10.1.0.0/16", "tcp,nw_dst=10.2.3.4"], change.Removed.Select(r => r.MatchText));
        Assert.Equal(2, t.RuleCount);
    }

    [Fact]
    public void Strict_delete_must_remove_only_the_rule_with_that_exact_match_and_priority()
    {
        var t = Tables("priority=5,ip,actions=drop", "priority=6,ip,actions=drop", "priority=5,tcp,actions=drop");

        var change = t.Delete(Match("ip"), 5, strict: true, table: 0);

        Assert.Equal((5, "ip"), (change.Removed.Single().Priority, change.Removed.Single().MatchText));
        Assert.Equal(2, t.RuleCount);
    }

    [Fact]
    public void Modify_must_replace_actions_keep_counters_and_add_when_nothing_matches()
    {
        // arrange
        var t = Tables("priority=5,tcp,tp_dst=80,actions=output:1", "priority=6,tcp,tp_dst=22,actions=output:1");
        t.Rules.First().Credit(3, 300, 10);

        // act
        var change = t.Modify(Rule("tcp,actions=output:4"), strict: false);

        // assert
        Assert.Equal(2, change.Removed.Count);
        Assert.All(t.Rules, r => Assert.Equal("output:4", r.ActionsText));
        Assert.Equal(3, t.Rules.Single(r => r.Priority == 5).PacketCount);
        var added = t.Modify(Rule("priority=9,udp,actions=drop"), strict: true);
        Assert.Empty(added.Removed);
        Assert.Equal(3, t.RuleCount);
    }

    [Fact]
    public void Expired_rules_must_be_removed_by_their_idle_and_hard_timeouts()
    {
        const long S = 1_000_000_000_000;
        var t = new FlowTables();
        t.Add(Rule("priority=1,idle_timeout=10,actions=drop"), 0);
        t.Add(Rule("priority=2,hard_timeout=30,actions=drop"), 0);
        t.Rules.Single(r => r.Priority == 1).Credit(1, 60, 5 * S);

        Assert.Empty(t.Expire(14 * S).Removed);
        Assert.Equal(1, t.Expire(15 * S).Removed.Single().Priority);
        Assert.Equal(2, t.Expire(30 * S).Removed.Single().Priority);
    }
}
