using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Configuration.Hocon;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Sweep;

/// <summary>
/// Sets one key of a scenario's text to a value, leaving the rest of the file as written, so the point is read (and
/// checked) by the same loader as any scenario. The setting is appended as one line, `KEY = VALUE`: in HOCON a later
/// setting of a key replaces the earlier one, and a dotted key path reaches into the objects the file wrote. HOCON has no
/// path into a list, so a key with an index (traffic.generators[0].packet-size) appends the whole list instead, as the
/// file's parsed list with that one value replaced (or added to its element, when the element left it to the defaults);
/// its other values are written quoted, which reads the same. A ${substitution} of the key elsewhere in the file sees
/// the new value, as HOCON resolves substitutions against the final settings.
/// </summary>
internal static class ScenarioOverride
{
    /// <summary>The text with <paramref name="key"/> set to <paramref name="value"/> (HOCON text); null with why not.</summary>
    public static string? Apply(string text, string key, string value, out string error)
    {
        error = "";
        var line = Line(text, key, value, ref error);
        if (line is null) return null;
        return text + (text.Length == 0 || text.EndsWith('\n') ? "" : "\n") + line + "\n";
    }

    private static string? Line(string text, string key, string value, ref string error)
    {
        var open = key.IndexOf('[');
        if (open < 0) return $"{key} = {value}";
        var listPath = key[..open];
        if (ScenarioHoconTree.Parse(text) is not { } root)
        {
            error = "the scenario is not well-formed HOCON";
            return null;
        }
        HoconValue? list = null;
        var items = root.Items;
        foreach (var name in listPath.Split('.'))
        {
            if (!items.TryGetValue(name, out list)) { list = null; break; }
            items = HoconValues.KindOf(list) == HoconKind.Object ? list.GetObject().Items : new Dictionary<string, HoconValue>();
        }
        if (list is null || HoconValues.KindOf(list) != HoconKind.List)
        {
            error = list is null ? $"the scenario does not set the list '{listPath}', so it has no element to change" : $"'{listPath}' is not a list in the scenario";
            return null;
        }
        var rendered = new StringBuilder();
        var writer = new Writer(key, value);
        writer.Write(rendered, list, listPath);
        if (writer.Error is not null)
        {
            error = writer.Error;
            return null;
        }
        if (!writer.Found)
        {
            error = $"the scenario has nothing at '{key}' to change ('{listPath}' has {HoconValues.Elements(list).Count} element(s))";
            return null;
        }
        return $"{listPath} = {rendered}";
    }

    /// <summary>Writes a parsed value back as HOCON on one line, with the target key's value replaced by the raw text.</summary>
    private sealed class Writer(string target, string raw)
    {
        private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public bool Found { get; private set; }
        public string? Error { get; private set; }

        public void Write(StringBuilder to, HoconValue value, string path)
        {
            if (path == target)
            {
                to.Append(raw);
                Found = true;
                return;
            }
            switch (HoconValues.KindOf(value))
            {
                case HoconKind.Object:
                    WriteObject(to, value.GetObject(), path);
                    break;
                case HoconKind.List:
                    to.Append("[ ");
                    var elements = HoconValues.Elements(value);
                    for (var i = 0; i < elements.Count; i++)
                    {
                        if (i > 0) to.Append(", ");
                        Write(to, elements[i], $"{path}[{i}]");
                    }
                    to.Append(" ]");
                    break;
                default:
                    to.Append(Quote(HoconValues.Text(value)));
                    break;
            }
        }

        private void WriteObject(StringBuilder to, HoconObject obj, string path)
        {
            to.Append("{ ");
            var first = true;
            foreach (var (name, child) in obj.Items)
            {
                if (!first) to.Append(", ");
                first = false;
                to.Append(Quote(name)).Append(" = ");
                Write(to, child, $"{path}.{name}");
            }
            // The target is a key of this object that the file left to the defaults: add it (the reader merges defaults in).
            if (target.StartsWith(path + ".", StringComparison.Ordinal))
            {
                var rest = target[(path.Length + 1)..];
                var name = rest.Split('.', '[')[0];
                if (!obj.Items.ContainsKey(name))
                {
                    if (rest.Contains('['))
                        Error = $"the scenario's '{path}' has no list '{name}' to index";
                    else
                    {
                        if (!first) to.Append(", ");
                        first = false;
                        to.Append(string.Join('.', rest.Split('.').Select(Quote))).Append(" = ").Append(raw);
                        Found = true;
                    }
                }
            }
            to.Append(first ? "}" : " }");
        }

        private static string Quote(string text) => JsonSerializer.Serialize(text, Json);
    }
}
