using System.Globalization;
using DcSim.SimCore.IO;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>The rules of a file, the OpenFlow version they were read as, and the warnings (fields OVS would drop).</summary>
public sealed record RuleFile(IReadOnlyList<OpenFlowRule> Rules, OpenFlowVersion Version, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads rules in <c>ovs-ofctl add-flows</c> syntax: one rule per line, <c>#</c> comments and blank lines
/// ignored, <c>table=</c>, <c>priority=</c> (default 32768), <c>cookie=</c>, <c>idle_timeout=</c>,
/// <c>hard_timeout=</c>, match fields, then <c>actions=</c> to the end of the line.
/// </summary>
public static class RuleFileParser
{
    public const int DefaultPriority = 32768;

    /// <summary>The largest rules file read (64 MiB, about 500,000 rules): a bound, so a wrong path such as /dev/zero fails at once.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Reads a file. Throws <see cref="RuleParseException"/> listing every bad line as <c>FILE:LINE: token 'X': message</c>,
    /// or the one reason the file cannot be read (a directory, not text, too large, missing).
    /// </summary>
    public static RuleFile ParseFile(string path, OpenFlowVersion? version = null)
    {
        var name = Path.GetFileName(path) is { Length: > 0 } file ? file : path;
        List<string> lines;
        try
        {
            lines = InputFile.ReadLines(path, MaxFileBytes, "rules file", name);
        }
        catch (InputFileException ex)
        {
            throw new RuleParseException([ex.Message]);
        }
        return Parse(lines, name, version);
    }

    /// <summary>
    /// Parses lines. With <paramref name="version"/> null the version is chosen as one would choose
    /// <c>ovs-ofctl -O</c>: OpenFlow 1.3 if any rule needs it (push_vlan, write_metadata), else 1.0.
    /// </summary>
    public static RuleFile Parse(IReadOnlyList<string> lines, string fileName, OpenFlowVersion? version = null)
    {
        var v = version ?? DetectVersion(lines);
        var rules = new List<OpenFlowRule>();
        var errors = new List<string>();
        var warnings = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var text = StripComment(lines[i]).Trim();
            if (text.Length == 0) continue;
            var where = $"{fileName}:{(i + 1).ToString(CultureInfo.InvariantCulture)}";
            try
            {
                var lineWarnings = new List<(string Token, string Message)>();
                rules.Add(ParseRule(text, v, lineWarnings, where));
                warnings.AddRange(lineWarnings.Select(w => $"{where}: token '{w.Token}': {w.Message}"));
            }
            catch (FlowSyntaxException ex)
            {
                errors.Add($"{where}: token '{ex.Token}': {ex.Message}");
            }
        }
        if (errors.Count > 0) throw new RuleParseException(errors);
        return new RuleFile(rules, v, warnings);
    }

    /// <summary>Parses one rule line (no comment). <paramref name="warnings"/> receives fields OVS would drop.</summary>
    public static OpenFlowRule ParseRule(string text, OpenFlowVersion version, List<(string Token, string Message)> warnings, string? source = null)
    {
        var (matchText, actionsText) = SplitActions(text);
        byte table = 0;
        var priority = DefaultPriority;
        ulong cookie = 0;
        ushort idle = 0, hard = 0;
        var matchItems = new List<FlowItem>();
        foreach (var token in FlowTokenizer.Split(matchText))
        {
            var (name, value, item) = token;
            switch (name)
            {
                case "table": table = (byte)Number(item, value, 254); break;
                case "priority": priority = (int)Number(item, value, 65535); break;
                case "cookie":
                {
                    var slash = value?.IndexOf('/') ?? -1;
                    cookie = Number(item, slash < 0 ? value : value![..slash], ulong.MaxValue);
                    break;
                }
                case "idle_timeout": idle = (ushort)Number(item, value, 65535); break;
                case "hard_timeout": hard = (ushort)Number(item, value, 65535); break;
                case "send_flow_rem" or "check_overlap" or "reset_counts" or "no_packet_counts" or "no_byte_counts": break;
                case "importance": Number(item, value, 65535); break;
                default: matchItems.Add(token); break;
            }
        }
        var match = FlowParser.ParseMatch(matchItems, warnings);
        if (actionsText is null) throw new FlowSyntaxException(text.Length > 40 ? text[..40] + "..." : text, "missing actions= (use actions=drop to drop)");
        var actions = ActionParser.Parse(actionsText, match, table, version);
        return new OpenFlowRule(table, priority, match, actions, cookie, idle, hard, source);
    }

    private static OpenFlowVersion DetectVersion(IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            var (_, actions) = SplitActions(StripComment(line));
            if (actions is null) continue;
            if (actions.Contains("push_vlan", StringComparison.OrdinalIgnoreCase) || actions.Contains("write_metadata", StringComparison.OrdinalIgnoreCase))
            {
                return OpenFlowVersion.OpenFlow13;
            }
        }
        return OpenFlowVersion.OpenFlow10;
    }

    private static ulong Number(string item, string? value, ulong max)
    {
        if (value is null || !NumberParser.TryParseUInt(value, out var v)) throw new FlowSyntaxException(item, "expects a number");
        if (v > max) throw new FlowSyntaxException(item, $"out of range (0-{max.ToString(CultureInfo.InvariantCulture)})");
        return v;
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf('#');
        return hash < 0 ? line : line[..hash];
    }

    /// <summary>
    /// Splits a rule where OVS's <c>ofp_extract_actions</c> does: at the first <c>action</c>, the actions
    /// starting after the next <c>=</c> (so <c>action=</c> works and <c>actions:</c> does not, as in ovs-ofctl).
    /// </summary>
    private static (string Match, string? Actions) SplitActions(string text)
    {
        var at = text.IndexOf("action", StringComparison.Ordinal);
        if (at < 0) return (text, null);
        var eq = text.IndexOf('=', at + 1);
        return eq < 0 ? (text[..at], null) : (text[..at], text[(eq + 1)..].Trim());
    }
}
