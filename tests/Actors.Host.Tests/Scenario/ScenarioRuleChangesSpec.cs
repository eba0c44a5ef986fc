using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>topology.vswitch.rule-changes: default, values in list order, errors and the resolved rendering.</summary>
public sealed class ScenarioRuleChangesSpec
{
    // ---- defaults and values ----

    [Fact]
    public void By_default_there_are_no_rule_changes_and_an_empty_list_is_rendered()
    {
        var s = Parse("");

        Assert.Empty(s.Datacenter().Server.VSwitch.RuleChanges);
        Assert.Equal(VSwitchOptions.Defaults, s.Datacenter().Server.VSwitch);
        Assert.Contains("rule-changes = []", s.ResolvedHocon);
        Assert.Empty(Parse("topology.vswitch.rule-changes = []").Datacenter().Server.VSwitch.RuleChanges);
    }

    [Fact]
    public void Every_kind_is_read_in_list_order()
    {
        var v = Parse("""
            duration = 10ms
            topology.vswitch {
              enabled = true
              rule-changes = [
                { at = 2ms, add = "priority=100,udp,udp_dst=53,actions=drop" }
                { at = 3ms, delete = "udp,udp_dst=53" }
                { delete-strict = " priority=100,udp,udp_dst=53 ", at = 0 }
                { at = 9999999ns, add = "actions=normal" }
              ]
            }
            """).Datacenter().Server.VSwitch;

        Assert.Equal(
            [
                new RuleChange(2 * SimTime.Millisecond, RuleChangeKind.Add, "priority=100,udp,udp_dst=53,actions=drop"),
                new RuleChange(3 * SimTime.Millisecond, RuleChangeKind.Delete, "udp,udp_dst=53"),
                new RuleChange(0, RuleChangeKind.DeleteStrict, "priority=100,udp,udp_dst=53"),
                new RuleChange(9_999_999 * SimTime.Nanosecond, RuleChangeKind.Add, "actions=normal"),
            ],
            v.RuleChanges);
        Assert.True(v.Enabled);
    }

    // ---- the resolved rendering ----

    [Fact]
    public void Resolved_hocon_renders_the_changes_and_parses_back_to_the_same_settings()
    {
        var original = Parse("""
            topology.vswitch.rule-changes = [
              { at = 1500us, add = "priority=7,udp,nw_src=10.0.0.1,actions=mod_nw_tos:\"4\"\\\tdrop" }
              { at = 3ms, delete-strict = "priority=7,udp" }
              { at = 0s, delete = "udp" }
            ]
            """);

        var again = Parse(original.ResolvedHocon);

        Assert.Equal(3, original.Datacenter().Server.VSwitch.RuleChanges.Count);
        Assert.Equal("priority=7,udp,nw_src=10.0.0.1,actions=mod_nw_tos:\"4\"\\\tdrop", original.Datacenter().Server.VSwitch.RuleChanges[0].Rule);
        Assert.Equal(original.Datacenter().Server.VSwitch.RuleChanges, again.Datacenter().Server.VSwitch.RuleChanges); // element-wise
        Assert.Equal(original.Datacenter().Server.VSwitch with { RuleChanges = [] }, again.Datacenter().Server.VSwitch with { RuleChanges = [] });
        Assert.Equal(original.ResolvedHocon, again.ResolvedHocon);
        Assert.Contains("""
                rule-changes = [
                  {
                    add = "priority=7,udp,nw_src=10.0.0.1,actions=mod_nw_tos:\"4\"\\\tdrop"
                    at = 1500us
                  },
                  {
                    at = 3ms
                    delete-strict = "priority=7,udp"
                  },
                  {
                    at = 0s
                    delete = "udp"
                  }
                ]
                rules = ""

            """.Replace("\r\n", "\n"), original.ResolvedHocon);
    }

    // ---- errors ----

    [Theory]
    [InlineData("{ at = -1ms, add = \"actions=drop\" }", "topology.vswitch.rule-changes[1].at", "must not be negative")]
    [InlineData("{ at = 10ms, add = \"actions=drop\" }", "topology.vswitch.rule-changes[1].at", "at 10ms is not before the end of the scenario (duration = 10ms)")]
    [InlineData("{ at = 2, add = \"actions=drop\" }", "topology.vswitch.rule-changes[1].at", "expected a duration")]
    [InlineData("{ at = [1ms], add = \"actions=drop\" }", "topology.vswitch.rule-changes[1].at", "expected a single value, found a list")]
    [InlineData("{ add = \"actions=drop\" }", "topology.vswitch.rule-changes[1].at", "missing: every rule change needs at")]
    [InlineData("{ at = 1ms }", "topology.vswitch.rule-changes[1]", "needs one of add, delete or delete-strict")]
    [InlineData("{ at = 1ms, add = \"actions=drop\", delete = \"udp\" }", "topology.vswitch.rule-changes[1].delete", "exactly one of add, delete or delete-strict; this one has add and delete")]
    [InlineData("{ at = 1ms, delete = \"udp\", delete-strict = \"udp\" }", "topology.vswitch.rule-changes[1].delete-strict", "this one has delete and delete-strict")]
    [InlineData("{ at = 1ms, add = \"\" }", "topology.vswitch.rule-changes[1].add", "the rule is empty")]
    [InlineData("{ at = 1ms, delete = \"  \" }", "topology.vswitch.rule-changes[1].delete", "the rule is empty")]
    [InlineData("{ at = 1ms, add = { a = b } }", "topology.vswitch.rule-changes[1].add", "expected a single value, found an object")]
    [InlineData("{ at = 1ms, add = \"actions=drop\", priority = 5 }", "topology.vswitch.rule-changes[1].priority", "unknown key 'priority' in a rule change; its keys are at and one of add, delete, delete-strict")]
    [InlineData("{ at = 1ms, delet = \"udp\" }", "topology.vswitch.rule-changes[1].delet", "did you mean 'delete'?")]
    [InlineData("\"priority=1,actions=drop\"", "topology.vswitch.rule-changes[1]", "expected a rule change { at = 2ms, add =")]
    public void A_bad_element_is_reported_at_its_key_and_line(string element, string key, string fragment)
    {
        var e = Fails($"""
            duration = 10ms
            topology.vswitch.rule-changes = [
              {"{"} at = 1ms, add = "priority=1,actions=drop" {"}"}
              {element}
              {"{"} at = 2ms, delete = "priority=1" {"}"}
            ]
            """);

        AssertError(e, key, 4, fragment);
    }

    [Fact]
    public void Errors_in_several_elements_are_reported_together_at_their_lines()
    {
        var e = Fails("""
            duration = 5ms
            topology {
              vswitch {
                rule-changes = [
                  {
                    at = 6ms
                    add = "actions=drop"
                  }
                  {
                    at = 1ms
                    add = "actions=drop"
                    delete-strict = "udp"
                  }
                ]
              }
            }
            """);

        Assert.Equal(2, e.Errors.Count);
        AssertError(e, "topology.vswitch.rule-changes[0].at", 6, "duration = 5ms");
        AssertError(e, "topology.vswitch.rule-changes[1].delete-strict", 12, "add and delete-strict");
    }

    [Fact]
    public void A_value_that_is_not_a_list_is_reported()
    {
        AssertError("# not a list\ntopology.vswitch.rule-changes = \"add actions=drop\"\n", "topology.vswitch.rule-changes", 2,
            "expected a list of rule changes [ { at = 2ms, add =");
        AssertError("topology.vswitch {\n  rule-changes { at = 1ms }\n}\n", "topology.vswitch.rule-changes", 2, "expected a list of rule changes");
    }

    [Fact]
    public void An_invalid_duration_is_reported_once_and_not_again_for_the_changes()
    {
        var e = Fails("duration = 0s\ntopology.vswitch.rule-changes = [ { at = 1ms, add = \"actions=drop\" } ]\n");

        AssertError(e, "duration", 1, "greater than 0");
        Assert.Single(e.Errors);
    }
}
