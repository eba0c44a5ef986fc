using System.Text.RegularExpressions;

namespace DcSim.Runner.Sweep;

/// <summary>One `--vary KEY=V1,V2,...`: a scenario key path and the values it takes, in the order given.</summary>
internal sealed partial record SweepAxis(string Key, IReadOnlyList<string> Values)
{
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
        if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            error = $"the value '{twice.Key}' is given twice";
            return null;
        }
        return new SweepAxis(key, values);
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
}
