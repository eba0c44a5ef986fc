using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// Turns a scenario's timed rule change into an operation on a vSwitch's tables, with the semantics of
/// `ovs-ofctl add-flow`, `del-flows` (every rule the match covers, in every table unless `table=` is
/// given) and `del-flows --strict` (the rule with exactly this match and priority).
/// </summary>
public static class RuleChanges
{
    /// <summary>Parses the change; throws <see cref="RuleParseException"/> naming the change and the token.</summary>
    public static Func<FlowTables, long, RuleSetChange> Compile(RuleChange change, string source)
    {
        var warnings = new List<(string Token, string Message)>();
        try
        {
            if (change.Kind == RuleChangeKind.Add)
            {
                var rule = RuleFileParser.ParseRule(change.Rule, OpenFlowVersion.OpenFlow10, warnings, source);
                return (tables, now) => tables.Add(rule, now);
            }
            // A deletion names a match (and, strict, a priority): parse it as a rule with a placeholder action.
            var template = RuleFileParser.ParseRule(change.Rule + ",actions=drop", OpenFlowVersion.OpenFlow10, warnings, source);
            var hasTable = FlowParser.SplitItems(change.Rule).Any(i => i.StartsWith("table=", StringComparison.Ordinal));
            var strict = change.Kind == RuleChangeKind.DeleteStrict;
            return (tables, _) => tables.Delete(template.Match, template.Priority, strict, hasTable ? template.Table : null);
        }
        catch (FlowSyntaxException ex)
        {
            throw new RuleParseException([$"{source}: token '{ex.Token}': {ex.Message}"]);
        }
    }
}
