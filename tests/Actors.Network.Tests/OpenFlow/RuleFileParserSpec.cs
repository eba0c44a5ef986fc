using DcSim.ActorsNetwork.OpenFlow;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

public sealed class RuleFileParserSpec
{
    [Fact]
    public void A_rule_file_must_read_tables_priorities_cookies_timeouts_and_actions()
    {
        // arrange
        string[] lines =
        [
            "# comment line",
            "",
            "table=0,priority=100,ip,nw_dst=192.168.0.0/16,actions=output:2   # trailing comment",
            "tcp,tp_dst=80,cookie=0x1f,idle_timeout=10,hard_timeout=60,actions=goto_table:1",
            "table=1,priority=5,actions=resubmit(,2),normal,mod_vlan_vid:10,strip_vlan,load:5->NXM_NX_REG0[]",
            "table=2,priority=0,actions=drop",
        ];

        // act
        var file = RuleFileParser.Parse(lines, "rules.txt");

        // assert
        Assert.Equal(OpenFlowVersion.OpenFlow10, file.Version);
        Assert.Equal(4, file.Rules.Count);
        var r0 = file.Rules[0];
        Assert.Equal((0, 100, "ip,nw_dst=192.168.0.0/16", "output:2"), (r0.Table, r0.Priority, r0.MatchText, r0.ActionsText));
        var r1 = file.Rules[1];
        Assert.Equal((RuleFileParser.DefaultPriority, 0x1fUL, (ushort)10, (ushort)60), (r1.Priority, r1.Cookie, r1.IdleTimeout, r1.HardTimeout));
        Assert.Equal("resubmit(,1)", r1.ActionsText);                                    // goto_table is sent as resubmit in OpenFlow 1.0
        Assert.Equal("resubmit(,2),NORMAL,mod_vlan_vid:10,strip_vlan,load:0x5->NXM_NX_REG0[]", file.Rules[2].ActionsText);
        Assert.Equal("drop", file.Rules[3].ActionsText);
        Assert.Equal("rules.txt:3", r0.Source);
    }

    [Fact]
    public void Rules_that_need_OpenFlow_13_must_be_read_as_OpenFlow_13_with_its_conversions()
    {
        string[] lines =
        [
            "table=0,in_port=1,actions=write_metadata:0x5/0xff,goto_table:1",
            "table=0,in_port=3,actions=mod_vlan_vid:7,output:1",
            "table=0,in_port=4,dl_vlan=9,actions=mod_vlan_vid:7,output:1",
            "table=1,tcp,actions=set_field:10.1.1.1->ip_dst,mod_nw_src:10.0.0.1",
        ];
        string[] inconsistent = ["table=1,tcp,actions=set_field:10.1.1.1->ip_dst,pop_vlan"];

        var file = RuleFileParser.Parse(lines, "rules.txt");

        Assert.Equal(OpenFlowVersion.OpenFlow13, file.Version);
        Assert.Equal("write_metadata:0x5/0xff,goto_table:1", file.Rules[0].ActionsText);
        Assert.Equal("push_vlan:0x8100,set_field:4103->vlan_vid,output:1", file.Rules[1].ActionsText);
        Assert.Equal("set_field:4103->vlan_vid,output:1", file.Rules[2].ActionsText);
        Assert.Equal("set_field:10.1.1.1->ip_dst,set_field:10.0.0.1->ip_src", file.Rules[3].ActionsText);
        Assert.Equal("rules.txt:1: token 'pop_vlan': pop_vlan needs a VLAN tag in OpenFlow 1.3 (match one or push_vlan first); only OpenFlow 1.0 allows it on any packet",
            Assert.Throws<RuleParseException>(() => RuleFileParser.Parse(inconsistent, "rules.txt", OpenFlowVersion.OpenFlow13)).Errors.Single());
    }

    [Fact]
    public void Every_bad_line_must_be_reported_with_file_line_and_token()
    {
        // arrange
        string[] lines =
        [
            "priority=10,ip,nw_src=10.0.0.300,actions=drop",
            "priority=70000,actions=drop",
            "priority=1,tcp,tp_dst=80",
            "priority=1,actions=output:2,frobnicate",
            "priority=1,actions=drop",
            "priority=1,bogus_field=3,actions=drop",
            "table=2,actions=goto_table:1",
            "actions=mod_nw_tos:33",
        ];

        // act
        var ex = Assert.Throws<RuleParseException>(() => RuleFileParser.Parse(lines, "acl.txt", OpenFlowVersion.OpenFlow10));

        // assert
        Assert.Equal(
        [
            "acl.txt:1: token '10.0.0.300': bad IPv4 address",
            "acl.txt:2: token 'priority=70000': out of range (0-65535)",
            "acl.txt:3: token 'priority=1,tcp,tp_dst=80': missing actions= (use actions=drop to drop)",
            "acl.txt:4: token 'frobnicate': unknown or unsupported action 'frobnicate'",
            "acl.txt:6: token 'bogus_field=3': unknown field 'bogus_field'",
            "acl.txt:7: token 'goto_table:1': goto_table must go to a later table than 2",
            "acl.txt:8: token 'mod_nw_tos:33': mod_nw_tos must be a multiple of 4",
        ], ex.Errors);
    }

    [Fact]
    public void Push_vlan_must_be_refused_in_OpenFlow_10_as_ovs_ofctl_refuses_it()
    {
        var ex = Assert.Throws<RuleParseException>(() => RuleFileParser.Parse(["actions=push_vlan:0x8100,output:1"], "r.txt", OpenFlowVersion.OpenFlow10));

        Assert.Equal("r.txt:1: token 'push_vlan:0x8100': push_vlan needs OpenFlow 1.1 or later (use OpenFlow13)", ex.Errors.Single());
    }

    [Fact]
    public void Dropped_fields_must_be_reported_as_warnings_not_errors()
    {
        var file = RuleFileParser.Parse(["priority=5,tp_dst=80,actions=drop"], "r.txt");

        Assert.Equal("", file.Rules[0].MatchText);
        Assert.Equal("r.txt:1: token 'tp_dst=80': prerequisites not met (needs tcp, udp, sctp or icmp); OVS drops this field from the match", file.Warnings.Single());
    }

    // Issue 8, defect 3: an unclosed parenthesis used to swallow the rest of the line, silently changing the rule.
    [Theory]
    [InlineData("priority=1,in_port=(1,actions=output:2", "r.txt:1: token '(1,': bad port number")]
    [InlineData("actions=drop,resubmit(,10", "r.txt:1: token 'drop': drop must not be accompanied by any other action")]
    [InlineData("actions=drop,output:1", "r.txt:1: token 'drop': drop must not be accompanied by any other action")]
    [InlineData("actions=dec_ttl(1,2", "r.txt:1: token 'dec_ttl(1,2': dec_ttl with controller ids is not modelled")]
    [InlineData("actions=learn(table=1", "r.txt:1: token 'learn(table=1': unknown or unsupported action 'learn'")]
    public void A_rule_with_an_unclosed_parenthesis_must_be_refused_where_ovs_ofctl_refuses_or_DcSim_does_not_model_it(string rule, string error)
    {
        var ex = Assert.Throws<RuleParseException>(() => RuleFileParser.Parse([rule], "r.txt", OpenFlowVersion.OpenFlow10));

        Assert.Equal(error, ex.Errors.Single());
    }

    [Theory]
    [InlineData("actions=output:2,resubmit(,10", "output:2,resubmit(,10)")]      // ovs-ofctl closes a parenthesis left open at the end
    [InlineData("actions=resubmit(,1)output:2", "resubmit(,1),output:2")]        // and starts the next item right after ")"
    [InlineData("actions=drop,drop", "drop")]                                     // "drop" may repeat, alone
    public void Actions_must_be_read_item_by_item_as_ovs_ofctl_reads_them(string rule, string actions)
    {
        var file = RuleFileParser.Parse([rule], "r.txt", OpenFlowVersion.OpenFlow10);

        Assert.Equal(actions, file.Rules.Single().ActionsText);
    }

    // Issue 8, defect 6: a directory gave an UnauthorizedAccessException trace, /dev/zero an exception or 4 GB of memory.
    [Fact]
    public void A_rules_file_that_is_a_directory_or_not_text_must_be_refused_with_one_located_reason()
    {
        // arrange
        var dir = Directory.CreateTempSubdirectory("dcsim-rules-");
        var binary = Path.Combine(dir.FullName, "binary.txt");
        File.WriteAllText(binary, "actions=drop\nactions=drop\nac\0tions=drop\n");
        var utf16 = Path.Combine(dir.FullName, "utf16.txt");
        File.WriteAllText(utf16, "priority=3,actions=output:2\n", System.Text.Encoding.Unicode);

        // act + assert
        Assert.Equal($"{dir.Name}: is a directory, not a rules file", Assert.Throws<RuleParseException>(() => RuleFileParser.ParseFile(dir.FullName)).Errors.Single());
        Assert.Equal("zero:1: contains a NUL byte: not a text rules file", Assert.Throws<RuleParseException>(() => RuleFileParser.ParseFile("/dev/zero")).Errors.Single());
        Assert.Equal("binary.txt:3: contains a NUL byte: not a text rules file", Assert.Throws<RuleParseException>(() => RuleFileParser.ParseFile(binary)).Errors.Single());
        Assert.Equal("output:2", RuleFileParser.ParseFile(utf16).Rules.Single().ActionsText);   // UTF-16 with a byte-order mark is text
        dir.Delete(recursive: true);
    }
}
