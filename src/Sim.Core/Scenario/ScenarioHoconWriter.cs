using System.Globalization;
using System.Text;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// Renders a validated scenario as HOCON with every key of reference.conf present, keys sorted, values in
/// canonical exact units: the same settings always give the same bytes (results echo it, cluster nodes
/// receive it) and parsing the text again gives the same settings. CDF and vswitch rules paths stay as
/// written, so they resolve against the same base directory. One exception to "every key": an empty
/// topology.vswitch.rule-changes (the default) is left out.
/// </summary>
internal static class ScenarioHoconWriter
{
    private sealed class Node : SortedDictionary<string, object>
    {
        public Node() : base(StringComparer.Ordinal) { }
    }

    public static string Write(ScenarioSettings s)
    {
        var t = s.Topology;
        var root = new Node
        {
            ["name"] = Quote(s.Name),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["duration"] = Time(s.DurationPs),
            ["topology"] = new Node
            {
                ["spines"] = Int(t.Spines),
                ["leaves"] = Int(t.Leaves),
                ["hosts-per-leaf"] = Int(t.HostsPerLeaf),
                ["host-link"] = Link(t.HostLink),
                ["fabric-link"] = Link(t.FabricLink),
                ["host-queue"] = Queue(t.HostQueue),
                ["switch-queue"] = Queue(t.SwitchQueue),
                ["host-cpu"] = new Node { ["cores"] = Int(t.Server.Cores), ["clock"] = Frequency(t.Server.ClockHz) },
                ["vswitch"] = VSwitch(t.Server.VSwitch),
            },
            ["traffic"] = new Node { ["generators"] = s.Generators.Select(g => Generator(g, t.HostCount)).ToList() },
            ["kernel"] = new Node
            {
                ["partitions"] = s.Kernel.Partitions == 0 ? ScenarioWords.AutoPartitions : Int(s.Kernel.Partitions),
                ["progress-interval"] = Time(s.Kernel.ProgressIntervalPs),
            },
        };
        var text = new StringBuilder();
        WriteFields(text, root, 0);
        return text.ToString();
    }

    private static Node Generator(GeneratorSettings g, int hostCount) => new()
    {
        ["kind"] = ScenarioWords.WordOf(ScenarioWords.Kinds, g.Kind),
        ["hosts"] = Hosts(g.Hosts, hostCount),
        ["rate"] = g.Rate.ToString(),
        ["packet-size"] = Size(g.PacketBytes),
        ["size-distribution"] = ScenarioWords.WordOf(ScenarioWords.SizeDistributions, g.SizeDistribution),
        ["destination"] = ScenarioWords.WordOf(ScenarioWords.Destinations, g.Destination),
        ["target"] = Int(g.TargetHost),
        ["flow-size-cdf"] = Quote(g.FlowSizes?.Source ?? ""),
        ["start"] = Time(g.StartPs),
        ["stop"] = Time(g.StopPs),
        ["on-off"] = new Node
        {
            ["on"] = Time(g.OnOff.OnPs),
            ["off"] = Time(g.OnOff.OffPs),
            ["periods"] = ScenarioWords.WordOf(ScenarioWords.PeriodDistributions, g.OnOff.Periods),
        },
        ["request-response"] = new Node
        {
            ["request-size"] = Size(g.RequestResponse.RequestBytes),
            ["response-size"] = Size(g.RequestResponse.ResponseBytes),
            ["response-size-cdf"] = Quote(g.RequestResponse.ResponseSizes?.Source ?? ""),
            ["service-time"] = Time(g.RequestResponse.ServiceTimePs),
            ["service-distribution"] = ScenarioWords.WordOf(ScenarioWords.PeriodDistributions, g.RequestResponse.ServiceDistribution),
        },
    };

    private static Node VSwitch(VSwitchOptions v)
    {
        var node = VSwitchKeys(v);
        node[ScenarioRuleChangeReader.Key] = v.RuleChanges.Select(RuleChange).ToList();
        return node;
    }

    private static Node RuleChange(RuleChange change) => new()
    {
        ["at"] = Time(change.AtPs),
        [ScenarioRuleChangeReader.WordOf(change.Kind)] = Quote(change.Rule),
    };

    private static Node VSwitchKeys(VSwitchOptions v) => new()
    {
        ["enabled"] = v.Enabled ? "true" : "false",
        ["datapath"] = ScenarioWords.WordOf(ScenarioWords.VSwitchDatapaths, v.Datapath),
        ["rules"] = Quote(v.RulesFile),
        ["datapath-cores"] = Int(v.DatapathCores),
        ["handler-cores"] = Int(v.HandlerCores),
        ["flow-limit"] = Int(v.FlowLimit),
        ["emc-insert-inv-prob"] = Int(v.EmcInsertInverseProbability),
        ["upcall-queue"] = Int(v.UpcallQueue),
        ["max-idle"] = Time(v.MaxIdlePs),
        ["revalidate-period"] = Time(v.RevalidatePeriodPs),
    };

    private static Node Link(LinkSettings link) => new() { ["rate"] = link.Rate.ToString(), ["delay"] = Time(link.DelayPs) };

    private static Node Queue(QueueLimit limit) => new()
    {
        ["limit"] = limit.Unit == QueueLimitUnit.Packets ? limit.Limit.ToString(CultureInfo.InvariantCulture) : Size(limit.Limit),
        ["unit"] = ScenarioWords.WordOf(ScenarioWords.QueueUnits, limit.Unit),
    };

    /// <summary>all, or runs of three or more consecutive hosts as "a-b" and the rest as indices.</summary>
    private static string Hosts(IReadOnlyList<int> hosts, int hostCount)
    {
        if (hosts.Count == hostCount && hosts[0] == 0 && hosts[^1] == hostCount - 1) return ScenarioWords.AllHosts;
        var items = new List<string>();
        for (var i = 0; i < hosts.Count;)
        {
            var j = i;
            while (j + 1 < hosts.Count && hosts[j + 1] == hosts[j] + 1) j++;
            if (j - i >= 2) items.Add(Quote($"{hosts[i]}-{hosts[j]}"));
            else for (var k = i; k <= j; k++) items.Add(Int(hosts[k]));
            i = j + 1;
        }
        return "[" + string.Join(", ", items) + "]";
    }

    /// <summary>The largest unit that keeps the value whole: 51ms, 1500ns, 0s.</summary>
    public static string Time(long ps) => ps switch
    {
        0 => "0s",
        _ when ps % SimTime.Second == 0 => $"{ps / SimTime.Second}s",
        _ when ps % SimTime.Millisecond == 0 => $"{ps / SimTime.Millisecond}ms",
        _ when ps % SimTime.Microsecond == 0 => $"{ps / SimTime.Microsecond}us",
        _ when ps % SimTime.Nanosecond == 0 => $"{ps / SimTime.Nanosecond}ns",
        _ => $"{ps}ps",
    };

    /// <summary>The largest unit that keeps the value whole: 2500MHz, 3GHz, 1500Hz.</summary>
    public static string Frequency(long hz) => hz switch
    {
        _ when hz % 1_000_000_000 == 0 => $"{hz / 1_000_000_000}GHz",
        _ when hz % 1_000_000 == 0 => $"{hz / 1_000_000}MHz",
        _ when hz % 1_000 == 0 => $"{hz / 1_000}KHz",
        _ => $"{hz}Hz",
    };

    /// <summary>Bytes below 10000 (packet sizes read best that way), else the largest decimal unit that keeps the value whole, else a binary one: 1400B, 20KB, 1MB, 64KiB.</summary>
    public static string Size(long bytes)
    {
        if (bytes < 10_000) return $"{bytes}B";
        (long Factor, string Unit)[] units = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB"), (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB")];
        foreach (var (factor, unit) in units)
        {
            if (bytes % factor == 0) return $"{bytes / factor}{unit}";
        }
        return $"{bytes}B";
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON-style quoted string, which Akka's parser reads back unchanged.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ' or '\u007f': quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    private static void WriteFields(StringBuilder text, Node node, int depth)
    {
        var indent = new string(' ', depth * 2);
        foreach (var (key, value) in node)
        {
            switch (value)
            {
                case Node child:
                    text.Append(indent).Append(key).Append(" {\n");
                    WriteFields(text, child, depth + 1);
                    text.Append(indent).Append("}\n");
                    break;
                case List<Node> { Count: 0 }:
                    text.Append(indent).Append(key).Append(" = []\n");
                    break;
                case List<Node> list:
                    text.Append(indent).Append(key).Append(" = [\n");
                    for (var i = 0; i < list.Count; i++)
                    {
                        text.Append(indent).Append("  {\n");
                        WriteFields(text, list[i], depth + 2);
                        text.Append(indent).Append(i < list.Count - 1 ? "  },\n" : "  }\n");
                    }
                    text.Append(indent).Append("]\n");
                    break;
                default:
                    text.Append(indent).Append(key).Append(" = ").Append((string)value).Append('\n');
                    break;
            }
        }
    }
}
