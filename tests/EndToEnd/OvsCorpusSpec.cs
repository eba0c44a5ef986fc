using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// DcSim's OpenFlow model against real Open vSwitch: for every corpus in tests/ovs-corpus, runs
/// `dcsim ovs-trace --rules rules.txt --packets packets.txt --json` and compares each packet's
/// datapath actions and megaflow (semantically) with the golden expected.jsonl that real OVS produced
/// (tools/ovs-oracle/ovs-oracle.sh): both must agree on every packet of every corpus, as they do today.
/// The comparison is the one tools/ovs-oracle/compare.py makes; no OVS is needed at test time.
/// </summary>
public sealed class OvsCorpusSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string CorpusRoot => Dcsim.RepositoryFile("tests/ovs-corpus");

    public static TheoryData<string> Corpora()
    {
        var data = new TheoryData<string>();
        foreach (var name in CorpusNames()) data.Add(name);
        return data;
    }

    private static IEnumerable<string> CorpusNames() =>
        Directory.GetDirectories(CorpusRoot)
            .Where(d => File.Exists(Path.Combine(d, "rules.txt")) && File.Exists(Path.Combine(d, "expected.jsonl")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Corpora))]
    public void Dcsim_must_agree_with_real_ovs_on_datapath_actions_and_megaflows(string corpus)
    {
        // arrange
        var dir = Path.Combine(CorpusRoot, corpus);
        var expected = OvsTraceRecord.ReadJsonLines(File.ReadAllText(Path.Combine(dir, "expected.jsonl")));
        var args = new List<string> { "ovs-trace", "--rules", Path.Combine(dir, "rules.txt"), "--packets", Path.Combine(dir, "packets.txt"), "--json" };
        var protocol = OvsCorpus.Protocol(dir);
        if (protocol is not null) args.AddRange(["--protocol", protocol]);
        // The bridge has exactly the ports the sandbox created (ports.txt), as real OVS had.
        var ports = File.ReadAllLines(Path.Combine(dir, "ports.txt")).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0)
            .Select(l => l.Split(' ')[0]);
        args.AddRange(["--bridge-ports", string.Join(',', ports)]);

        // act
        var result = Dcsim.Run(Timeout, [.. args]);

        // assert
        Assert.True(result.ExitCode == 0, $"dcsim {string.Join(' ', args)} exited {result.ExitCode}\n{result.Stderr}");
        var actual = OvsTraceRecord.ReadJsonLines(result.Stdout);
        var report = OvsCorpusComparison.Compare(corpus, expected, actual);
        Assert.True(report.Errors.Count == 0 && report.ActionsAgree == report.Packets && report.MegaflowAgree == report.Packets,
            $"needs datapath actions and megaflows to agree on every packet\n{report}");
    }

    [Fact]
    public void Every_corpus_must_have_one_golden_record_per_packet()
    {
        Assert.NotEmpty(CorpusNames());
        foreach (var corpus in CorpusNames())
        {
            var dir = Path.Combine(CorpusRoot, corpus);
            var packets = OvsCorpus.Packets(File.ReadAllText(Path.Combine(dir, "packets.txt")));
            var expected = OvsTraceRecord.ReadJsonLines(File.ReadAllText(Path.Combine(dir, "expected.jsonl")));
            Assert.True(packets.Count == expected.Count, $"{corpus}: {packets.Count} packets but {expected.Count} golden records");
            for (var i = 0; i < packets.Count; i++)
            {
                Assert.Equal(packets[i], expected[i].Packet);
                Assert.False(string.IsNullOrEmpty(expected[i].DatapathActions), $"{corpus} #{i + 1}: no datapath actions");
                Assert.NotNull(OvsMegaflow.Canonical(expected[i].Megaflow ?? ""));
            }
            // the golden file agrees with itself: the comparison accepts a perfect model
            Assert.Equal(expected.Count, OvsCorpusComparison.Compare(corpus, expected, expected).MegaflowAgree);
        }
    }

    [Fact]
    public void Megaflow_comparison_must_ignore_field_order_shorthands_aliases_and_full_masks()
    {
        var a = OvsMegaflow.Canonical("recirc_id=0,eth,tcp,in_port=1,nw_src=10.0.0.0/8,nw_frag=no,tp_dst=80");
        var b = OvsMegaflow.Canonical("tp_dst=80/0xffff,nw_frag=no,in_port=1,dl_type=0x0800,nw_proto=6,ip_src=10.0.0.0/255.0.0.0,recirc_id=0");
        Assert.True(OvsMegaflow.Same(a, b));
        Assert.True(OvsMegaflow.Same(OvsMegaflow.Canonical("ip,dl_vlan=10,dl_vlan_pcp=0"), OvsMegaflow.Canonical("dl_type=0x0800,vlan_tci=0x100a")));
        Assert.True(OvsMegaflow.Same(OvsMegaflow.Canonical("udp,tp_dst=0x400/0xfc00"), OvsMegaflow.Canonical("udp,udp_dst=1024/0xfc00")));
        Assert.True(OvsMegaflow.Same(OvsMegaflow.Canonical("ip,nw_dst=0.0.0.0/0"), OvsMegaflow.Canonical("ip")));
        Assert.False(OvsMegaflow.Same(OvsMegaflow.Canonical("ip,nw_dst=10.0.0.0/8"), OvsMegaflow.Canonical("ip,nw_dst=10.0.0.0/9")));
        Assert.False(OvsMegaflow.Same(OvsMegaflow.Canonical("tcp,tp_dst=80"), OvsMegaflow.Canonical("udp,tp_dst=80")));
    }

    [Fact]
    public void Datapath_actions_comparison_must_ignore_only_the_order_of_consecutive_plain_outputs()
    {
        Assert.Equal("1,3,4,100", OvsDatapathActions.Canonical("3,1,4,100"));
        Assert.Equal("set(eth(dst=02:00:00:00:00:01)),1,3,pop_vlan,2", OvsDatapathActions.Canonical("set(eth(dst=02:00:00:00:00:01)),3,1,pop_vlan,2"));
        Assert.NotEqual(OvsDatapathActions.Canonical("pop_vlan,1,2"), OvsDatapathActions.Canonical("1,pop_vlan,2"));
    }
}

/// <summary>One packet's trace as `dcsim ovs-trace --json` and expected.jsonl write it.</summary>
internal sealed record OvsTraceRecord(string? Packet, string? DatapathActions, string? Megaflow, IReadOnlyList<(long Table, long? Priority)> Tables)
{
    public static List<OvsTraceRecord> ReadJsonLines(string text)
    {
        var list = new List<OvsTraceRecord>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith('{')) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var tables = new List<(long, long?)>();
            if (root.TryGetProperty("tables", out var t) && t.ValueKind == JsonValueKind.Array)
                foreach (var e in t.EnumerateArray())
                {
                    var table = e.TryGetProperty("table", out var tv) && tv.ValueKind == JsonValueKind.Number ? tv.GetInt64() : -1;
                    long? prio = e.TryGetProperty("priority", out var pv) && pv.ValueKind == JsonValueKind.Number ? pv.GetInt64() : null;
                    tables.Add((table, prio));
                }
            list.Add(new OvsTraceRecord(Str(root, "packet"), Str(root, "datapath_actions"), Str(root, "megaflow"), tables));
        }
        return list;
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

internal static class OvsCorpus
{
    /// <summary>packets.txt without comments and blank lines, as ovs-oracle.sh feeds them to ofproto/trace.</summary>
    public static List<string> Packets(string text) =>
        text.Split('\n').Select(l => { var i = l.IndexOf('#'); return (i >= 0 ? l[..i] : l).Trim(); }).Where(l => l.Length > 0).ToList();

    /// <summary>The ovs-ofctl -O protocol the rules were loaded with (protocol.txt), or null for the default.</summary>
    public static string? Protocol(string corpusDir)
    {
        var path = Path.Combine(corpusDir, "protocol.txt");
        if (!File.Exists(path)) return null;
        return File.ReadAllLines(path).Select(l => { var i = l.IndexOf('#'); return (i >= 0 ? l[..i] : l).Trim(); }).FirstOrDefault(l => l.Length > 0);
    }
}

/// <summary>Datapath actions with the order of consecutive plain output ports normalised (OVS floods in hash order).</summary>
internal static class OvsDatapathActions
{
    public static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var cur = new StringBuilder();
        foreach (var ch in text)
        {
            if (ch == '(') depth++;
            else if (ch == ')') depth--;
            if (ch == ',' && depth == 0) { yield return cur.ToString().Trim(); cur.Clear(); }
            else cur.Append(ch);
        }
        if (cur.Length > 0) yield return cur.ToString().Trim();
    }

    public static string Canonical(string text)
    {
        var output = new List<string>();
        var run = new List<long>();
        void Flush() { output.AddRange(run.Order().Select(p => p.ToString(CultureInfo.InvariantCulture))); run.Clear(); }
        foreach (var a in Split(text.Trim()).Where(a => a.Length > 0))
        {
            if (a.All(char.IsAsciiDigit)) { run.Add(long.Parse(a, CultureInfo.InvariantCulture)); continue; }
            Flush();
            output.Add(a);
        }
        Flush();
        return string.Join(',', output);
    }
}

/// <summary>
/// A megaflow in OVS syntax as a map field -> (value &amp; mask, mask): aliases and shorthands expanded,
/// a full mask equal to no mask, a zero mask equal to absence, order ignored (same rules as compare.py).
/// </summary>
internal static class OvsMegaflow
{
    public readonly record struct Bits(UInt128 Value, UInt128 Mask, string? Text);

    private static readonly Dictionary<string, (string Field, UInt128 Value)[]> Shorthands = new()
    {
        ["ip"] = [("dl_type", 0x0800)], ["ipv6"] = [("dl_type", 0x86dd)], ["arp"] = [("dl_type", 0x0806)],
        ["rarp"] = [("dl_type", 0x8035)], ["mpls"] = [("dl_type", 0x8847)], ["mplsm"] = [("dl_type", 0x8848)],
        ["tcp"] = [("dl_type", 0x0800), ("nw_proto", 6)], ["udp"] = [("dl_type", 0x0800), ("nw_proto", 17)],
        ["sctp"] = [("dl_type", 0x0800), ("nw_proto", 132)], ["icmp"] = [("dl_type", 0x0800), ("nw_proto", 1)],
        ["igmp"] = [("dl_type", 0x0800), ("nw_proto", 2)],
        ["tcp6"] = [("dl_type", 0x86dd), ("nw_proto", 6)], ["udp6"] = [("dl_type", 0x86dd), ("nw_proto", 17)],
        ["sctp6"] = [("dl_type", 0x86dd), ("nw_proto", 132)], ["icmp6"] = [("dl_type", 0x86dd), ("nw_proto", 58)],
    };

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["eth_src"] = "dl_src", ["eth_dst"] = "dl_dst", ["eth_type"] = "dl_type",
        ["ip_src"] = "nw_src", ["ip_dst"] = "nw_dst", ["ip_proto"] = "nw_proto", ["ip_ttl"] = "nw_ttl",
        ["ipv4_src"] = "nw_src", ["ipv4_dst"] = "nw_dst",
        ["tcp_src"] = "tp_src", ["udp_src"] = "tp_src", ["sctp_src"] = "tp_src",
        ["tcp_dst"] = "tp_dst", ["udp_dst"] = "tp_dst", ["sctp_dst"] = "tp_dst",
        ["icmpv4_type"] = "icmp_type", ["icmpv4_code"] = "icmp_code", ["icmpv6_type"] = "icmp_type", ["icmpv6_code"] = "icmp_code",
    };

    private static readonly Dictionary<string, int> Width = BuildWidths();

    private static Dictionary<string, int> BuildWidths()
    {
        var w = new Dictionary<string, int>
        {
            ["recirc_id"] = 32, ["dp_hash"] = 32, ["in_port"] = 32, ["skb_priority"] = 32, ["pkt_mark"] = 32,
            ["dl_type"] = 16, ["vlan_tci"] = 16, ["nw_proto"] = 8, ["nw_tos"] = 8, ["nw_ecn"] = 2, ["nw_ttl"] = 8,
            ["tp_src"] = 16, ["tp_dst"] = 16, ["icmp_type"] = 8, ["icmp_code"] = 8, ["arp_op"] = 16,
            ["tcp_flags"] = 12, ["ipv6_label"] = 20, ["mpls_label"] = 20, ["mpls_tc"] = 3, ["mpls_bos"] = 1,
            ["mpls_ttl"] = 8, ["metadata"] = 64, ["ct_state"] = 32, ["ct_zone"] = 16, ["ct_mark"] = 32,
            ["dl_src"] = 48, ["dl_dst"] = 48, ["arp_sha"] = 48, ["arp_tha"] = 48, ["nd_sll"] = 48, ["nd_tll"] = 48,
            ["nw_src"] = 32, ["nw_dst"] = 32, ["arp_spa"] = 32, ["arp_tpa"] = 32,
            ["ipv6_src"] = 128, ["ipv6_dst"] = 128, ["nd_target"] = 128,
        };
        for (var i = 0; i < 16; i++) w[$"reg{i}"] = 32;
        for (var i = 0; i < 8; i++) w[$"xreg{i}"] = 64;
        return w;
    }

    private static readonly HashSet<string> MacFields = ["dl_src", "dl_dst", "arp_sha", "arp_tha", "nd_sll", "nd_tll"];
    private static readonly HashSet<string> Ip4Fields = ["nw_src", "nw_dst", "arp_spa", "arp_tpa"];
    private static readonly HashSet<string> Ip6Fields = ["ipv6_src", "ipv6_dst", "nd_target"];
    private static readonly Dictionary<string, UInt128> PortNames = new() { ["LOCAL"] = 0xfffe, ["local"] = 0xfffe, ["IN_PORT"] = 0xfff8, ["CONTROLLER"] = 0xfffd, ["NONE"] = 0xffff };

    private static UInt128 Full(int bits) => bits >= 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;

    private static UInt128 Num(string s)
    {
        s = s.Trim();
        return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? UInt128.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : UInt128.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    private static UInt128 Mac(string s) => UInt128.Parse(s.Replace(":", "").Replace("-", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static UInt128 Ip(string s)
    {
        UInt128 v = 0;
        foreach (var b in IPAddress.Parse(s).GetAddressBytes()) v = (v << 8) | b;
        return v;
    }

    private static (UInt128 Value, UInt128? Mask) Parse(string field, string text)
    {
        var slash = text.IndexOf('/');
        var v = slash < 0 ? text : text[..slash];
        var m = slash < 0 ? null : text[(slash + 1)..];
        if (Ip4Fields.Contains(field) || Ip6Fields.Contains(field))
        {
            var bits = Ip4Fields.Contains(field) ? 32 : 128;
            if (m is null) return (Ip(v), null);
            if (m.Contains('.') || m.Contains(':')) return (Ip(v), Ip(m));
            var n = int.Parse(m, CultureInfo.InvariantCulture);
            return (Ip(v), n == 0 ? 0 : Full(bits) ^ Full(bits - n));
        }
        if (MacFields.Contains(field)) return (Mac(v), m is null ? null : Mac(m));
        if (field == "in_port" && PortNames.TryGetValue(v, out var port)) return (port, null);
        return (Num(v), m is null ? null : Num(m));
    }

    private static void Put(Dictionary<string, Bits> canon, string field, UInt128 value, UInt128? mask)
    {
        var full = Full(Width[field]);
        var mk = (mask ?? full) & full;
        var old = canon.TryGetValue(field, out var o) ? o : new Bits(0, 0, null);
        canon[field] = new Bits((old.Value & ~mk) | (value & mk), old.Mask | mk, null);
    }

    /// <summary>Canonical map of a megaflow string; throws FormatException on what it cannot parse.</summary>
    public static Dictionary<string, Bits> Canonical(string text)
    {
        var canon = new Dictionary<string, Bits>();
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            if (item.Length == 0) continue;
            var eq = item.IndexOf('=');
            if (eq < 0)
            {
                if (item == "eth") continue; // packet_type=eth: implied
                if (Shorthands.TryGetValue(item, out var sets)) { foreach (var (f, v) in sets) Put(canon, f, v, null); continue; }
                canon[item] = new Bits(0, 0, "");
                continue;
            }
            var name = item[..eq].Trim();
            var val = item[(eq + 1)..].Trim();
            name = Aliases.GetValueOrDefault(name, name);
            try
            {
                switch (name)
                {
                    case "dl_vlan":
                        var vid = Num(val);
                        if (vid == 0xffff) Put(canon, "vlan_tci", 0, 0xffff);
                        else Put(canon, "vlan_tci", 0x1000 | (vid & 0xfff), 0x1fff);
                        continue;
                    case "dl_vlan_pcp" or "vlan_pcp":
                        Put(canon, "vlan_tci", 0x1000 | ((Num(val) & 7) << 13), 0xf000);
                        continue;
                    case "vlan_vid":
                        var s = val.IndexOf('/');
                        Put(canon, "vlan_tci", Num(s < 0 ? val : val[..s]) & 0x1fff, (s < 0 ? 0x1fff : Num(val[(s + 1)..])) & 0x1fff);
                        continue;
                    case "ip_dscp":
                        Put(canon, "nw_tos", (Num(val) << 2) & 0xfc, 0xfc);
                        continue;
                }
                if (Width.ContainsKey(name)) { var (v, m) = Parse(name, val); Put(canon, name, v, m); }
                else canon[name] = new Bits(0, 0, val);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new FormatException($"cannot parse megaflow item '{item}' in '{text}': {e.Message}", e);
            }
        }
        foreach (var key in canon.Where(kv => kv.Value.Text is null && kv.Value.Mask == 0).Select(kv => kv.Key).ToList()) canon.Remove(key);
        return canon;
    }

    public static bool Same(Dictionary<string, Bits> a, Dictionary<string, Bits> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var o) && o == kv.Value);

    public static string Diff(Dictionary<string, Bits> expected, Dictionary<string, Bits> actual)
    {
        static string Fmt(Bits? b) => b is null ? "-" : b.Value.Text is not null ? $"'{b.Value.Text}'" : $"0x{b.Value.Value:x}/0x{b.Value.Mask:x}";
        return string.Join("; ", expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Where(k => !(expected.TryGetValue(k, out var e) && actual.TryGetValue(k, out var a) && e == a))
            .Select(k => $"{k}: expected {Fmt(expected.TryGetValue(k, out var e) ? e : null)}, got {Fmt(actual.TryGetValue(k, out var a) ? a : null)}"));
    }
}

internal sealed record OvsCorpusReport(string Name, int Packets, int ActionsAgree, int ActionsExact, int MegaflowAgree, int MegaflowExact,
    IReadOnlyList<string> Errors, IReadOnlyList<string> ActionDisagreements, IReadOnlyList<string> MegaflowDisagreements)
{
    public double MegaflowPercent => Packets == 0 ? 100 : 100.0 * MegaflowAgree / Packets;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Name}: {Packets} packets; datapath actions {ActionsAgree}/{Packets} (exact strings {ActionsExact}); megaflow {MegaflowAgree}/{Packets} semantic ({MegaflowPercent:F1} %; exact strings {MegaflowExact})");
        foreach (var e in Errors.Take(50)) sb.AppendLine("  ERROR " + e);
        if (ActionDisagreements.Count > 0) sb.AppendLine(CultureInfo.InvariantCulture, $"  datapath action disagreements ({ActionDisagreements.Count}):");
        foreach (var d in ActionDisagreements.Take(50)) sb.AppendLine("    " + d);
        if (MegaflowDisagreements.Count > 0) sb.AppendLine(CultureInfo.InvariantCulture, $"  megaflow disagreements ({MegaflowDisagreements.Count}):");
        foreach (var d in MegaflowDisagreements.Take(50)) sb.AppendLine("    " + d);
        return sb.ToString();
    }
}

internal static class OvsCorpusComparison
{
    private static string Squash(string? s) => string.Concat((s ?? "").Where(c => !char.IsWhiteSpace(c)));

    public static OvsCorpusReport Compare(string name, IReadOnlyList<OvsTraceRecord> expected, IReadOnlyList<OvsTraceRecord> actual)
    {
        var errors = new List<string>();
        var actionBad = new List<string>();
        var megaflowBad = new List<string>();
        int actions = 0, actionsExact = 0, megaflows = 0, megaflowsExact = 0;
        if (expected.Count != actual.Count) errors.Add($"expected {expected.Count} records, got {actual.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            var exp = expected[i];
            var act = i < actual.Count ? actual[i] : new OvsTraceRecord(null, null, null, []);
            if (act.Packet is not null && Squash(act.Packet) != Squash(exp.Packet))
                errors.Add($"#{i + 1} packet mismatch: expected '{exp.Packet}', got '{act.Packet}'");

            if (exp.DatapathActions == act.DatapathActions) actionsExact++;
            if (exp.DatapathActions is not null && act.DatapathActions is not null
                && OvsDatapathActions.Canonical(exp.DatapathActions) == OvsDatapathActions.Canonical(act.DatapathActions)) actions++;
            else actionBad.Add($"#{i + 1} {exp.Packet}\n      expected: {exp.DatapathActions}\n      actual:   {act.DatapathActions}");

            if (exp.Megaflow == act.Megaflow) megaflowsExact++;
            string? diff = null;
            var same = false;
            if (exp.Megaflow is not null && act.Megaflow is not null)
            {
                try
                {
                    var e = OvsMegaflow.Canonical(exp.Megaflow);
                    var a = OvsMegaflow.Canonical(act.Megaflow);
                    same = OvsMegaflow.Same(e, a);
                    if (!same) diff = OvsMegaflow.Diff(e, a);
                }
                catch (FormatException ex) { errors.Add($"#{i + 1} {ex.Message}"); }
            }
            if (same) megaflows++;
            else megaflowBad.Add($"#{i + 1} {exp.Packet}\n      expected: {exp.Megaflow}\n      actual:   {act.Megaflow}" + (diff is null ? "" : $"\n      diff:     {diff}"));
        }
        return new OvsCorpusReport(name, expected.Count, actions, actionsExact, megaflows, megaflowsExact, errors, actionBad, megaflowBad);
    }
}
