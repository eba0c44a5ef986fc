using DcSim.ActorsNetwork.OpenFlow;
using Xunit;
using static DcSim.ActorsNetwork.Tests.OpenFlow.OpenFlowTestKit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

/// <summary>Translations whose datapath actions and megaflows were taken from real OVS 3.1 (ofproto/trace, dummy datapath, LOCAL = datapath port 100).</summary>
public sealed class PipelineSpec
{
    private const string MultiTable = """
        table=0,priority=100,ip,nw_dst=192.168.0.0/16,actions=output:2
        table=0,priority=90,tcp,tp_dst=80,actions=goto_table:1
        table=0,priority=0,actions=drop
        table=1,priority=10,in_port=1,actions=mod_vlan_vid:10,output:3
        table=1,priority=5,actions=resubmit(,2)
        table=2,priority=5,actions=normal
        """;

    [Theory]
    [InlineData("in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=22", "drop", "recirc_id=0,eth,tcp,in_port=1,nw_dst=0.0.0.0/1,nw_frag=no,tp_dst=0x0/0xffc0")]
    [InlineData("in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80", "push_vlan(vid=10,pcp=0),3", "recirc_id=0,eth,tcp,in_port=1,nw_dst=0.0.0.0/1,nw_frag=no,tp_dst=80")]
    [InlineData("in_port=2,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80", "1,3,4,100", "recirc_id=0,eth,tcp,in_port=2,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_dst=0.0.0.0/1,nw_frag=no,tp_dst=80")]
    [InlineData("in_port=1,udp,nw_dst=192.168.3.4", "2", "recirc_id=0,eth,ip,in_port=1,nw_dst=192.168.0.0/16,nw_frag=no")]
    [InlineData("in_port=2,udp,nw_dst=192.168.3.4", "drop", "recirc_id=0,eth,ip,in_port=2,nw_dst=192.168.0.0/16,nw_frag=no")]
    public void Goto_resubmit_vlan_and_normal_must_translate_as_OVS(string packet, string actions, string megaflow)
    {
        var r = Bridge(MultiTable).Trace(packet);

        Assert.Equal(actions, r.DatapathActionsText);
        Assert.Equal(megaflow, r.MegaflowText);
    }

    [Fact]
    public void Header_rewrites_must_become_masked_set_actions_in_OVS_order()
    {
        var r = Bridge("priority=1,actions=mod_nw_src:1.2.3.4,mod_tp_dst:99,mod_dl_src:aa:bb:cc:dd:ee:ff,output:2")
            .Trace("in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=5,tp_dst=80");

        Assert.Equal("set(eth(src=aa:bb:cc:dd:ee:ff)),set(ipv4(src=1.2.3.4)),set(tcp(dst=99)),2", r.DatapathActionsText);
        Assert.Equal("recirc_id=0,eth,tcp,in_port=1,dl_src=00:00:00:00:00:00,nw_src=10.0.0.1,nw_frag=no,tp_dst=80", r.MegaflowText);
    }

    [Fact]
    public void A_DSCP_rewrite_must_be_a_masked_tos_set_and_make_nw_proto_significant()
    {
        var r = Bridge("priority=1,actions=mod_nw_tos:16,output:2").Trace("in_port=1,ip,nw_src=1.2.3.4");

        Assert.Equal("recirc_id=0,eth,ip,in_port=1,nw_proto=0,nw_tos=0,nw_frag=no", r.MegaflowText);
        Assert.Equal("2", r.DatapathActionsText);            // no IP protocol: OVS commits no L3 change
        var tcp = Bridge("priority=1,actions=mod_nw_tos:16,output:2").Trace("in_port=1,tcp");
        Assert.Equal("set(ipv4(tos=0x10/0xfc)),2", tcp.DatapathActionsText);
    }

    [Theory]
    [InlineData("priority=1,actions=mod_vlan_vid:20,output:2", "in_port=1,dl_vlan=10,tcp", "pop_vlan,push_vlan(vid=20,pcp=0),2", "recirc_id=0,eth,ip,in_port=1,dl_vlan=10,dl_vlan_pcp=0,nw_frag=no")]
    [InlineData("priority=1,actions=strip_vlan,output:2", "in_port=1,dl_vlan=10,dl_vlan_pcp=3,tcp", "pop_vlan,2", "recirc_id=0,eth,ip,in_port=1,dl_vlan=10,dl_vlan_pcp=3,nw_frag=no")]
    [InlineData("priority=1,actions=strip_vlan,output:2", "in_port=1,tcp", "2", "recirc_id=0,eth,ip,in_port=1,nw_frag=no")]
    [InlineData("priority=1,actions=mod_vlan_vid:5,output:2,strip_vlan,output:3", "in_port=1,tcp", "push_vlan(vid=5,pcp=0),2,pop_vlan,3", "recirc_id=0,eth,ip,in_port=1,nw_frag=no")]
    [InlineData("priority=10,dl_vlan=10,actions=output:2\npriority=1,actions=drop", "in_port=1,dl_vlan=10,dl_vlan_pcp=5,tcp", "2", "recirc_id=0,eth,ip,in_port=1,dl_vlan=10,nw_frag=no")]
    [InlineData("priority=10,dl_vlan=10,actions=output:2\npriority=1,actions=drop", "in_port=1,tcp", "drop", "recirc_id=0,eth,ip,in_port=1,nw_frag=no")]
    public void VLAN_tags_must_be_pushed_and_popped_as_OVS_commits_them(string rules, string packet, string actions, string megaflow)
    {
        var r = Bridge(rules).Trace(packet);

        Assert.Equal(actions, r.DatapathActionsText);
        Assert.Equal(megaflow, r.MegaflowText);
    }

    [Fact]
    public void OpenFlow_13_metadata_goto_and_set_field_must_translate_as_OVS()
    {
        var bridge = Bridge("""
            table=0,priority=10,in_port=1,actions=write_metadata:0x5/0xff,goto_table:1
            table=0,priority=5,in_port=2,actions=push_vlan:0x8100,set_field:4107->vlan_vid,output:3
            table=1,priority=10,metadata=0x5/0xff,tcp,actions=set_field:10.1.1.1->ip_dst,output:2,goto_table:2
            table=1,priority=1,actions=drop
            table=2,priority=1,actions=output:4
            """);

        var tcp = bridge.Trace("in_port=1,tcp,nw_dst=10.0.0.1");
        Assert.Equal("set(ipv4(dst=10.1.1.1)),2,4", tcp.DatapathActionsText);
        Assert.Equal("recirc_id=0,eth,tcp,in_port=1,nw_dst=10.0.0.1,nw_frag=no", tcp.MegaflowText);
        Assert.Equal("tcp,metadata=0x5,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=10.1.1.1,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=0,tcp_flags=0", tcp.FinalFlowText);
        Assert.Equal("recirc_id=0,eth,udp,in_port=1,nw_frag=no", bridge.Trace("in_port=1,udp,nw_dst=10.0.0.1").MegaflowText);
        Assert.Equal("push_vlan(vid=11,pcp=0),3", bridge.Trace("in_port=2,tcp").DatapathActionsText);
    }

    [Fact]
    public void Flood_and_all_must_skip_the_input_port_and_output_to_the_input_port_must_be_skipped()
    {
        Assert.Equal("2,3,4,100", Bridge("priority=1,actions=flood").Trace("in_port=1,tcp").DatapathActionsText);
        Assert.Equal("1,3,4,100", Bridge("priority=1,actions=all").Trace("in_port=2,tcp").DatapathActionsText);
        Assert.Equal("drop", Bridge("priority=1,actions=output:1").Trace("in_port=1,tcp").DatapathActionsText);
        Assert.Equal("1", Bridge("priority=1,actions=in_port").Trace("in_port=1,tcp").DatapathActionsText);
        Assert.Equal("drop", Bridge("priority=1,actions=output:9").Trace("in_port=1,tcp").DatapathActionsText);
    }

    [Fact]
    public void Normal_must_learn_only_when_asked_and_then_forward_to_the_learned_port()
    {
        // arrange
        var macs = new MacLearningTable();
        var bridge = Bridge("priority=1,actions=normal", macs: macs);
        var fromA = FlowParser.ParsePacket("in_port=1,dl_src=00:00:00:00:00:0a,dl_dst=00:00:00:00:00:0b,ip");
        var toA = FlowParser.ParsePacket("in_port=2,dl_src=00:00:00:00:00:0b,dl_dst=00:00:00:00:00:0a,ip");

        // act + assert: a trace has no side effects
        bridge.Translate(fromA);
        Assert.Equal(0, macs.Count);
        Assert.Equal("1,3,4,100", bridge.Translate(toA).DatapathActionsText);

        // act + assert: a real packet teaches the table
        bridge.Translate(fromA, new TranslateOptions(Learn: true));
        var r = bridge.Translate(toA);
        Assert.Equal("1", r.DatapathActionsText);
        Assert.Equal("recirc_id=0,eth,ip,in_port=2,dl_src=00:00:00:00:00:0b,dl_dst=00:00:00:00:00:0a,nw_frag=no", r.MegaflowText);
        Assert.Equal("drop", bridge.Translate(FlowParser.ParsePacket("in_port=1,dl_dst=00:00:00:00:00:0a,ip")).DatapathActionsText);
    }

    [Fact]
    public void Normal_must_drop_reserved_multicast_and_inspect_gratuitous_ARP_fields()
    {
        var bridge = Bridge("priority=1,actions=normal");

        Assert.Equal("drop", bridge.Trace("in_port=1,dl_dst=01:80:c2:00:00:00,ip").DatapathActionsText);
        var arp = bridge.Trace("in_port=1,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2");
        Assert.Equal("recirc_id=0,eth,arp,in_port=1,dl_src=00:00:00:00:00:00,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1", arp.MegaflowText);
    }

    [Fact]
    public void Endless_resubmission_must_fail_like_OVS_and_drop()
    {
        var r = Bridge("priority=5,actions=resubmit(,3),resubmit:4").Trace("in_port=1,udp");

        Assert.Equal("Recursion too deep", r.Error);
        Assert.Equal("drop", r.DatapathActionsText);
        Assert.Equal("recirc_id=0,eth,ip,in_port=1,nw_frag=no", r.MegaflowText);
    }

    [Fact]
    public void An_expiring_TTL_must_go_to_the_controller_and_end_the_rule()
    {
        var bridge = Bridge("priority=1,ip,actions=mod_nw_dst:10.0.0.2,dec_ttl,output:2");

        Assert.Equal("set(ipv4(dst=10.0.0.2,ttl=63)),2", bridge.Trace("in_port=1,tcp,nw_ttl=64").DatapathActionsText);
        Assert.Equal("set(ipv4(dst=10.0.0.2)),userspace(pid=0,controller(reason=2,dont_send=1,continuation=0,recirc_id=1,rule_cookie=0,controller_id=0,max_len=65535))",
            bridge.Trace("in_port=1,tcp,nw_ttl=1").DatapathActionsText);
    }

    [Fact]
    public void Rule_counters_must_be_credited_only_when_asked()
    {
        var bridge = Bridge("priority=1,actions=output:2");
        var rule = bridge.Tables.Rules.Single();

        bridge.Trace("in_port=1,tcp");
        bridge.Translate(FlowParser.ParsePacket("in_port=1,tcp"), new TranslateOptions(NowPs: 5, CreditBytes: 64));

        Assert.Equal((1L, 64L, 5L), (rule.PacketCount, rule.ByteCount, rule.LastUsedPs));
    }
}
