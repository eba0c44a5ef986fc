using Akka.Configuration.Hocon;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// Finds keys the scenario file sets that reference.conf does not have (usually typos, which would
/// otherwise be silently ignored), and objects written where a value belongs. Value types are checked
/// where the values are read.
/// </summary>
internal static class ScenarioKeyCheck
{
    public static void Check(ScenarioDiagnostics diagnostics, ScenarioReference reference, HoconObject file, HoconObject schema, string path)
    {
        foreach (var (key, value) in file.Items)
        {
            var full = HoconPositions.Join(path, key);
            if (!schema.Items.TryGetValue(key, out var expected))
            {
                // Past the errors listed, only the count matters: skip the suggestions (a search of reference.conf per key).
                diagnostics.Report(full, diagnostics.IsFull ? "unknown key" : UnknownKey(reference, key, schema, path));
                continue;
            }
            if (HoconValues.KindOf(expected) != HoconKind.Object) continue;
            if (HoconValues.KindOf(value) == HoconKind.Object)
                Check(diagnostics, reference, value.GetObject(), expected.GetObject(), full);
            else
                diagnostics.Report(full, $"expected an object {{ {string.Join(", ", expected.GetObject().Items.Keys)} }}, found {HoconValues.Describe(value)}");
        }
    }

    private static string UnknownKey(ScenarioReference reference, string key, HoconObject schema, string path)
    {
        if (path.Length == 0 && key == "dcsim")
            return "unknown key 'dcsim': a scenario file holds the keys of dcsim.scenario at its top level, without the 'dcsim.scenario' prefix";
        // The right key in the wrong place, e.g. "spines" at the top level instead of in topology, before a near miss here.
        var generalPath = System.Text.RegularExpressions.Regex.Replace(path, @"\[\d+\]", "[*]");
        var elsewhere = reference.KeyPaths
            .Where(p => (p == key || p.EndsWith("." + key, StringComparison.Ordinal)) && p != HoconPositions.Join(generalPath, key))
            .Take(4)
            .ToList();
        if (elsewhere.Count > 0)
            return $"unknown key '{key}' here; did you mean {string.Join(" or ", elsewhere.Select(p => $"'{p}'"))}?";
        if (ScenarioSuggestions.Closest(key, schema.Items.Keys) is { } close)
            return $"unknown key '{key}'; did you mean '{close}'?";
        return $"unknown key '{key}'; the keys here are {string.Join(", ", schema.Items.Keys)}";
    }
}
