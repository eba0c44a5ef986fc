using System.Text.RegularExpressions;

namespace DcSim.Runner.Sweep;

/// <summary>
/// One `--vary KEY=V1,V2,...`: a scenario key path and the values it takes, in the order given. A named axis,
/// `--vary NAME=LABEL:{KEY=VALUE; KEY=VALUE},...`, sets several keys together at each of its values (one setup of a
/// comparison, such as the network path of a VM); its column in sweep.csv is NAME and its values are the labels.
/// </summary>
internal sealed partial record SweepAxis(string Key, IReadOnlyList<string> Values, IReadOnlyDictionary<string, IReadOnlyList<(string Key, string Value)>>? Sets = null)
{
    /// <summary>The scenario keys and values that <paramref name="value"/> of this axis sets.</summary>
    public IReadOnlyList<(string Key, string Value)> Overrides(string value) => Sets is null ? [(Key, value)] : Sets[value];

    /// <summary>The scenario keys the axis sets: its key, or every key a value of a named axis sets.</summary>
    public IEnumerable<string> ScenarioKeys => Sets is null ? [Key] : Sets.Values.SelectMany(s => s.Select(k => k.Key)).Distinct();

    /// <summary>
    /// Reads KEY=V1,V2,...; the values are HOCON text, split at commas outside brackets, braces and quotes (so a value may
    /// be a list such as [0,1] or a quoted string). Null with <paramref name="error"/> when the text is not of that form.
    /// </summary>
    public static SweepAxis? Parse(string text, out string error)
    {
        error = "";
        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            error = "expected KEY=V1,V2,... (a scenario key such as topology.host-link.rate, then its values)";
            return null;
        }
        var key = text[..equals].Trim();
        if (!KeyPath().IsMatch(key))
        {
            error = $"'{key}' is not a key path: names of letters, digits, '-' and '_' joined by '.', each may be followed by an index [N] (e.g. traffic.generators[0].packet-size)";
            return null;
        }
        if (!TrySplit(text[(equals + 1)..], out var values, out error)) return null;
        if (values.Count == 0 || values.Any(v => v.Length == 0))
        {
            error = "every value must be non-empty (V1,V2,...)";
            return null;
        }
        Dictionary<string, IReadOnlyList<(string, string)>>? sets = null;
        if (values.Any(v => SetValue().IsMatch(v)))
        {
            sets = [];
            for (var i = 0; i < values.Count; i++)
            {
                if (ParseSet(values[i], out error) is not { } set) return null;
                values[i] = set.Label;
                if (!sets.TryAdd(set.Label, set.Settings)) break;
            }
        }
        if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            error = $"the value '{twice.Key}' is given twice";
            return null;
        }
        return new SweepAxis(key, values, sets);
    }

    /// <summary>LABEL:{KEY=VALUE; KEY=VALUE}: a value of a named axis, each key a scenario key path set to HOCON text.</summary>
    private static (string Label, IReadOnlyList<(string, string)> Settings)? ParseSet(string text, out string error)
    {
        error = "";
        var match = SetValue().Match(text);
        if (!match.Success)
        {
            error = $"'{text}': a named axis takes every value as LABEL:{{KEY=VALUE; KEY=VALUE}} (e.g. sriov:{{servers.nic=82599; vms[0].vnic=vf}})";
            return null;
        }
        var settings = new List<(string, string)>();
        foreach (var part in match.Groups["settings"].Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var key = equals > 0 ? part[..equals].Trim() : "";
            if (!KeyPath().IsMatch(key) || part[(equals + 1)..].Trim().Length == 0)
            {
                error = $"'{match.Groups["label"].Value}': '{part}' is not KEY=VALUE with a scenario key path (e.g. topology.vswitch.datapath=netdev)";
                return null;
            }
            if (settings.Any(s => s.Item1 == key))
            {
                error = $"'{match.Groups["label"].Value}': {key} is set twice";
                return null;
            }
            settings.Add((key, part[(equals + 1)..].Trim()));
        }
        if (settings.Count != 0) return (match.Groups["label"].Value, settings);
        error = $"'{match.Groups["label"].Value}': sets no key; give {{KEY=VALUE; ...}}";
        return null;
    }

    private static bool TrySplit(string text, out List<string> values, out string error)
    {
        values = [];
        error = "";
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case '[' or '{': depth++; break;
                case ']' or '}': depth--; break;
                case ',' when depth == 0:
                    values.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
            if (depth < 0) break;
        }
        if (quoted || depth != 0)
        {
            error = quoted ? "a value has an unterminated quoted string" : "a value has unbalanced brackets or braces";
            return false;
        }
        values.Add(text[start..].Trim());
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\[\d+\])*(\.[A-Za-z0-9_-]+(\[\d+\])*)*$")]
    private static partial Regex KeyPath();

    [GeneratedRegex(@"^(?<label>[A-Za-z0-9_.+-]+)\s*:\s*\{(?<settings>.*)\}$", RegexOptions.Singleline)]
    private static partial Regex SetValue();
}
