using DcSim.ActorsNetwork.OpenFlow;
using Xunit;
using static DcSim.ActorsNetwork.Tests.OpenFlow.OpenFlowTestKit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

public sealed class FlowParserSpec
{
    [Theory]
    [InlineData("ip,nw_src=10.0.0.0/8", "ip,nw_src=10.0.0.0/8")]
    [InlineData("nw_dst=192.168.1.7/255.255.0.0,ip", "ip,nw_dst=192.168.0.0/16")]
    [InlineData("ip,nw_src=10.1.2.3/255.0.255.0", "ip,nw_src=10.0.2.0/255.0.255.0")]
    [InlineData("dl_type=0x0800,nw_proto=6,tp_dst=0x50/0xfff0", "tcp,tp_dst=0x50/0xfff0")]
    [InlineData("udp,udp_dst=53", "udp,tp_dst=53")]
    [InlineData("in_port=1,dl_vlan=10", "in_port=1,dl_vlan=10")]
    [InlineData("dl_vlan=0xffff", "vlan_tci=0x0000")]
    [InlineData("vlan_tci=0x1000/0x1000", "vlan_tci=0x1000/0x1000")]
    [InlineData("dl_vlan_pcp=3", "dl_vlan_pcp=3")]
    [InlineData("metadata=0x1/0xff,reg0=5", "reg0=0x5,metadata=0x1/0xff")]
    [InlineData("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00")]
    [InlineData("icmp,icmp_type=8", "icmp,icmp_type=8")]
    [InlineData("ip,ip_dscp=8", "ip,nw_tos=32")]
    [InlineData("arp,arp_tpa=10.0.0.1", "arp,arp_tpa=10.0.0.1")]
    [InlineData("ip,nw_frag=no", "ip,nw_frag=no")]
    [InlineData("ip,nw_dst=10.0.0.1/0", "ip")]
    [InlineData("vlan_vid=0x1014", "dl_vlan=20")]
    public void A_match_must_print_as_OVS_prints_it(string text, string expected)
    {
        Assert.Equal(expected, Match(text).ToString());
    }

    [Fact]
    public void A_field_without_its_prerequisites_must_be_dropped_with_a_warning_as_OVS_normalizes_it()
    {
        // arrange
        var warnings = new List<(string Token, string Message)>();

        // act
        var m = FlowParser.ParseMatch("in_port=1,tp_dst=80,nw_src=10.0.0.0/8", warnings);

        // assert
        Assert.Equal("in_port=1", m.ToString());
        Assert.Equal(["tp_dst=80", "nw_src=10.0.0.0/8"], warnings.Select(w => w.Token));
        Assert.Contains("prerequisites not met", warnings[0].Message);
    }

    [Fact]
    public void Prerequisites_of_a_rule_may_come_after_the_field()
    {
        Assert.Equal("tcp,tp_dst=80", Match("tp_dst=80,tcp").ToString());
    }

    [Fact]
    public void A_field_given_twice_must_be_replaced_by_the_second_value()
    {
        Assert.Equal("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", Match("dl_dst=02:02:d2:02:01:02,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00").ToString());
    }

    [Fact]
    public void A_packet_must_print_like_the_Flow_line_of_ofproto_trace()
    {
        var p = FlowParser.ParsePacket("in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=22");

        Assert.Equal("tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=1234,tp_dst=22,tcp_flags=0",
            MatchFormatter.FormatFlow(p));
        Assert.Equal("udp,in_port=1,dl_vlan=5,dl_vlan_pcp=3,vlan_tci1=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=1,tp_dst=2",
            MatchFormatter.FormatFlow(FlowParser.ParsePacket("in_port=1,dl_vlan=5,dl_vlan_pcp=3,udp,udp_src=1,udp_dst=2")));
        Assert.Equal("arp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:00",
            MatchFormatter.FormatFlow(FlowParser.ParsePacket("in_port=1,arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=00:00:00:00:00:01")));
    }

    [Theory]
    [InlineData("in_port=1,tp_dst=80", "tp_dst=80", "prerequisites not met for setting tp_dst")]
    [InlineData("in_port=1,nw_src=10.0.0.0/8,ip", "nw_src=10.0.0.0/8", "prerequisites not met for setting nw_src")]
    [InlineData("in_port=1,udp,tp_dst=53", "tp_dst=53", "prerequisites not met for setting tp_dst")]
    [InlineData("in_port=1,tcp,bogus=5", "bogus=5", "unknown field 'bogus'")]
    [InlineData("in_port=1,tcp,tp_dst=99999", "99999", "tp_dst value out of range (16 bits)")]
    [InlineData("in_port=1,ip,nw_dst=10.0.0.300", "10.0.0.300", "bad IPv4 address")]
    [InlineData("in_port=1,tcp,tcp", "tcp", "Ethernet type set multiple times")]
    [InlineData("in_port=1,ip,nw_frag=later,tcp_dst=1", "tcp_dst=1", "prerequisites not met for setting tcp_dst")]
    public void A_bad_packet_must_name_the_token_and_the_reason(string packet, string token, string message)
    {
        var ex = Assert.Throws<FlowSyntaxException>(() => FlowParser.ParsePacket(packet));

        Assert.Equal(token, ex.Token);
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void An_ipv6_packet_must_be_accepted_without_modelling_its_addresses()
    {
        var p = FlowParser.ParsePacket("in_port=1,ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2");

        Assert.Equal(0x86ddUL, p.Get(FlowField.DlType));
    }
}
