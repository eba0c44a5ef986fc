using DcSim.ActorsNetwork.OpenFlow;
using Xunit;
using static DcSim.ActorsNetwork.Tests.OpenFlow.OpenFlowTestKit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

/// <summary>The masks OVS's classifier optimisations give, checked against real OVS 3.1 (ofproto/trace).</summary>
public sealed class StagedLookupSpec
{
    private static (OpenFlowRule? Rule, string Mask) Lookup(string[] rules, string packet)
    {
        var cls = new Classifier();
        foreach (var r in rules) cls.Insert(Rule(r));
        var wc = new FlowKey();
        var found = cls.Lookup(FlowParser.ParsePacket(packet), ref wc);
        return (found, MatchFormatter.Format(FlowParser.ParsePacket(packet), wc));
    }

    [Theory]
    [InlineData("in_port=1,ip,nw_dst=10.0.0.2", "ip,nw_dst=0.0.0.0/1")]
    [InlineData("in_port=1,ip,nw_dst=128.0.0.1", "ip,nw_dst=128.0.0.0/2")]
    [InlineData("in_port=1,ip,nw_dst=192.169.3.2", "ip,nw_dst=192.169.0.0/16")]
    [InlineData("in_port=1,ip,nw_dst=192.168.3.2", "ip,nw_dst=192.168.0.0/16")]
    public void A_prefix_miss_must_unwildcard_only_the_address_bits_that_prove_it(string packet, string mask)
    {
        var (_, wc) = Lookup(["priority=100,ip,nw_dst=192.168.0.0/16,actions=output:2", "priority=0,actions=drop"], packet);

        Assert.Equal(mask, wc);
    }

    [Theory]
    [InlineData("in_port=1,tcp,tp_dst=22", "tcp,tp_dst=0x0/0xffc0")]
    [InlineData("in_port=1,tcp,tp_dst=81", "tcp,tp_dst=81")]
    [InlineData("in_port=1,tcp,tp_dst=80", "tcp,tp_dst=80")]
    [InlineData("in_port=1,tcp,tp_dst=0x1234", "tcp,tp_dst=0x1000/0xf000")]
    public void A_port_miss_must_unwildcard_only_the_port_bits_the_ports_trie_needs(string packet, string mask)
    {
        var (_, wc) = Lookup(["priority=90,tcp,tp_dst=80,actions=output:2", "priority=0,actions=drop"], packet);

        Assert.Equal(mask, wc);
    }

    [Fact]
    public void A_miss_in_an_early_stage_must_leave_the_later_stages_wildcarded()
    {
        // the metadata stage (in_port) already fails: nothing of L2, L3 or L4 was looked at
        var (rule, wc) = Lookup(["priority=10,in_port=1,tcp,nw_dst=10.0.0.0/8,tp_dst=80,actions=output:2"], "in_port=2,tcp,nw_dst=10.1.1.1,tp_dst=80");

        Assert.Null(rule);
        Assert.Equal("in_port=2", wc);
    }

    [Fact]
    public void A_miss_in_the_L3_stage_must_include_L2_and_L3_but_not_L4()
    {
        var (rule, wc) = Lookup(["priority=10,tcp,nw_tos=32,tp_dst=80,actions=output:2"], "in_port=2,tcp,nw_tos=64,tp_dst=80");

        Assert.Null(rule);
        Assert.Equal("tcp,nw_tos=64", wc);
    }

    [Fact]
    public void Higher_priority_subtables_must_end_the_search_early()
    {
        // the /8 rule wins at priority 100, so the priority-50 subtable (tp_dst) is never consulted
        var (rule, wc) = Lookup(["priority=100,ip,nw_src=10.0.0.0/8,actions=output:1", "priority=50,tcp,tp_dst=80,actions=output:2"],
            "in_port=1,tcp,nw_src=10.1.2.3,tp_dst=80");

        Assert.Equal(100, rule!.Priority);
        Assert.Equal("ip,nw_src=10.0.0.0/8", wc);
    }

    [Fact]
    public void ICMP_type_and_code_must_share_the_port_subtables_as_in_OVS()
    {
        // icmp_type masks all 16 bits of tp_src, so it lands in the same subtable as tp_src=443
        var (rule, wc) = Lookup(["priority=100,tcp,tp_src=443,actions=output:3", "priority=1,icmp,icmp_type=8,actions=output:2"],
            "in_port=2,icmp,icmp_type=8,icmp_code=0");

        Assert.Equal(1, rule!.Priority);
        Assert.Equal("icmp,icmp_type=8", wc);
    }

    [Fact]
    public void The_prefix_trie_must_answer_like_OVS_trie_lookup()
    {
        var t = new PrefixTrie();
        t.Insert(0xc0a80000, 16);           // 192.168.0.0/16
        t.Insert(0x0a000000, 8);            // 10.0.0.0/8

        Assert.Equal(2, t.Lookup(0x80000001, 32, out var p1));    // 128.x: differs from 192 at bit 1
        Assert.Equal(0UL, p1);
        Assert.Equal(16, t.Lookup(0xc0a90000, 32, out _));         // 192.169: first difference at bit 15
        Assert.Equal(16, t.Lookup(0xc0a80101, 32, out var p2));    // inside 192.168/16: leaf reached
        Assert.Equal(1UL << 15, p2);
        Assert.Equal(8, t.Lookup(0x0a0b0c0d, 32, out var p3));
        Assert.Equal(1UL << 7, p3);
        t.Remove(0xc0a80000, 16);
        Assert.Equal(1, t.Lookup(0xc0a80101, 32, out _));          // only 10/8 left: bit 0 decides
        Assert.Equal(1, t.PrefixCount);
    }
}
