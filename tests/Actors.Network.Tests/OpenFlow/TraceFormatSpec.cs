using Xunit;
using static DcSim.ActorsNetwork.Tests.OpenFlow.OpenFlowTestKit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

public sealed class TraceFormatSpec
{
    [Fact]
    public void The_human_report_must_have_the_layout_of_ofproto_trace()
    {
        // arrange: the report below is real OVS 3.1 output (bridge renamed)
        var bridge = Bridge("""
            table=0,priority=10,cookie=0x1f,tcp,actions=resubmit(,1),output:2
            table=0,priority=5,actions=drop
            table=1,priority=10,tcp,tp_dst=80,actions=resubmit(,2),output:3
            table=2,priority=10,ip,actions=mod_nw_tos:16
            """);

        // act
        var text = bridge.Trace("in_port=1,tcp,tp_dst=80").ToHumanText();

        // assert
        Assert.Equal("""
            Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

            bridge("br0")
            -------------
             0. tcp, priority 10, cookie 0x1f
                resubmit(,1)
                 1. tcp,tp_dst=80, priority 10
                        resubmit(,2)
                         2. ip, priority 10
                                mod_nw_tos:16
                        output:3
                output:2

            Final flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=16,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
            Megaflow: recirc_id=0,eth,tcp,in_port=1,nw_tos=0,nw_frag=no,tp_dst=80
            Datapath actions: set(ipv4(tos=0x10/0xfc)),3,2

            """, text);
    }

    [Fact]
    public void Misses_warnings_and_details_must_be_indented_as_ofproto_trace_does()
    {
        var text = Bridge("""
            table=0,priority=10,tcp,actions=resubmit(,1),output:1,normal
            """).Trace("in_port=1,tcp,tp_dst=81").ToHumanText();

        Assert.Contains("""
             0. tcp, priority 10
                resubmit(,1)
                 1. No match.
                        drop
                output:1
                 >> skipping output to input port
                NORMAL
                 -> no learned MAC for destination, flooding

            """, text);
    }

    [Fact]
    public void The_json_line_must_carry_the_tables_visited_and_OVS_strings()
    {
        var json = Bridge("""
            table=0,priority=90,tcp,tp_dst=80,actions=resubmit(,1)
            table=1,priority=5,actions=output:3
            """).Trace("in_port=1,tcp,tp_dst=80").ToJsonLine("in_port=1,tcp,tp_dst=80");

        Assert.Equal("""{"packet":"in_port=1,tcp,tp_dst=80","flow":"tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0","tables":[{"table":0,"priority":90,"match":"tcp,tp_dst=80","actions":"resubmit(,1)"},{"table":1,"priority":5,"match":"","actions":"output:3"}],"datapath_actions":"3","megaflow":"recirc_id=0,eth,tcp,in_port=1,nw_frag=no,tp_dst=80","final_flow":"unchanged","error":null}""", json);
    }
}
