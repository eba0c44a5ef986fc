using DcSim.SimCore.Scenario;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// Reads topology.vswitch.rule-changes: a list of { at = 2ms, add | delete | delete-strict = "..." }, kept
/// in list order. The rule text is only checked to be non-empty; the vSwitch parses it (ovs-ofctl syntax).
/// </summary>
public static class ScenarioRuleChangeReader
{
    public const string Key = "rule-changes";
    private const string At = "at";
    private const string Example = "{ at = 2ms, add = \"priority=100,udp,udp_dst=53,actions=drop\" }";

    private static readonly ScenarioWordList Kinds =
        new(("add", (int)RuleChangeKind.Add), ("delete", (int)RuleChangeKind.Delete), ("delete-strict", (int)RuleChangeKind.DeleteStrict));

    private static readonly string[] Keys = [At, .. Kinds.Words];

    /// <summary>The key that writes a change of this kind: add, delete or delete-strict.</summary>
    public static string WordOf(RuleChangeKind kind) => Kinds.WordOf((int)kind);

    /// <summary>The changes, or null after reporting; <paramref name="durationPs"/> is null when the duration is invalid (already reported).</summary>
    public static IReadOnlyList<RuleChange>? Read(ScenarioDiagnostics diagnostics, ScenarioSection vswitch, long? durationPs)
    {
        var (list, fromFile) = vswitch.Get(Key);
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            vswitch.Report(Key, fromFile, $"expected a list of rule changes [ {Example} ], found {HoconValues.Describe(list)}");
            return null;
        }
        var changes = new List<RuleChange>();
        var ok = true;
        var elements = HoconValues.Elements(list);
        for (var i = 0; i < elements.Count; i++)
        {
            var path = vswitch.PathOf($"{Key}[{i}]");
            if (HoconValues.KindOf(elements[i]) != HoconKind.Object)
            {
                diagnostics.Report(path, $"expected a rule change {Example}, found {HoconValues.Describe(elements[i])}");
                ok = false;
                continue;
            }
            var element = elements[i].GetObject();
            // Every key read below is one the element sets, so the element is its own "defaults".
            var section = new ScenarioSection(diagnostics, path, element, element, vswitch.PathOf(Key + "[*]"));
            if (ReadOne(diagnostics, section, element.Items.Keys, durationPs) is { } change) changes.Add(change);
            else ok = false;
        }
        return ok ? changes : null;
    }

    private static RuleChange? ReadOne(ScenarioDiagnostics diagnostics, ScenarioSection e, ICollection<string> keys, long? durationPs)
    {
        var ok = true;
        foreach (var key in keys.Where(k => !Keys.Contains(k)))
        {
            var close = ScenarioSuggestions.Closest(key, Keys);
            diagnostics.Report(e.PathOf(key), close is not null
                ? $"unknown key '{key}' in a rule change; did you mean '{close}'?"
                : $"unknown key '{key}' in a rule change; its keys are at and one of add, delete, delete-strict");
            ok = false;
        }

        long at = 0;
        if (!keys.Contains(At))
        {
            diagnostics.Report(e.PathOf(At), $"missing: every rule change needs at = <time> (from 0 to before the end of the scenario), as in {Example}");
            ok = false;
        }
        else if (e.TryTime(At, 0, out at))
        {
            if (durationPs is { } d)
                ok &= e.Check(at < d, At, true,
                    $"at {ScenarioHoconWriter.Time(at)} is not before the end of the scenario (duration = {ScenarioHoconWriter.Time(d)})");
            else ok = false;
        }
        else ok = false;

        var present = Kinds.Words.Where(keys.Contains).ToList();
        if (present.Count == 0)
        {
            diagnostics.Report(e.Path, $"a rule change needs one of add, delete or delete-strict, as in {Example}");
            return null;
        }
        if (present.Count > 1)
        {
            foreach (var extra in present.Skip(1))
                e.Report(extra, true,
                    $"a rule change has exactly one of add, delete or delete-strict; this one has {string.Join(" and ", present)} (write one change per list element)");
            return null;
        }
        var word = present[0];
        Kinds.TryFind(word, out var kind);
        if (!e.TryText(word, out var rule)) return null;
        ok &= e.Check(rule.Length > 0, word, true, $"the rule is empty; write it in ovs-ofctl syntax, as in {Example}");
        return ok ? new RuleChange(at, (RuleChangeKind)kind, rule) : null;
    }
}
