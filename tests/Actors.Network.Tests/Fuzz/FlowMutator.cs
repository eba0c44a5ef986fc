using System.Text;
using DcSim.SimCore.Randomness;

namespace DcSim.ActorsNetwork.Tests.Fuzz;

/// <summary>A fuzz case: a rule line (for <c>ovs-ofctl add-flows</c>) or a packet (for <c>ofproto/trace</c>), and the protocol it is read with.</summary>
public sealed record FuzzCase(string Kind, string Protocol, string Text)
{
    public const string Rule = "rule", Packet = "packet";

    public string ToTsv() => $"{Kind}\t{Protocol}\t{Text}";
}

/// <summary>
/// Mutates the rules and packets of the OVS corpus (tests/ovs-corpus) into malformed and odd variants,
/// deterministically from a seed: the same seed gives the same cases on every machine, so real OVS's
/// verdicts on them can be checked in (tests/ovs-corpus/fuzz/expected.tsv).
/// </summary>
/// <remarks>
/// Each rule case applies one to three mutations to a corpus line, each packet case one: byte-level (delete, insert a syntax
/// character, truncate, unbalance a parenthesis) and item-level (delete, duplicate, swap or splice an
/// item from another line, replace a value by an edge value, rename a field, add an action). The
/// item-level ones keep most cases close to valid syntax, where parser disagreements hide; the
/// byte-level ones find the tokenizer's edges. Tabs and line breaks never appear (the case files are
/// one tab-separated line per case).
/// </remarks>
public sealed class FlowMutator(IReadOnlyList<FuzzCase> seeds, ulong seed)
{
    private const string SyntaxChars = "(),=:/->. []x0123456789abcdef#!";

    private static readonly string[] EdgeValues =
    [
        "", "0", "1", "(1", "1)", "()", "65535", "65536", "0xffff", "0x10000", "4095", "4096", "0xffffffff", "0x100000000",
        "18446744073709551615", "18446744073709551616", "-1", "1.2.3.4", "1.2.3.4/33", "10.0.0.0/0", "256.1.1.1",
        "00:11:22:33:44:55", "ff:ff:ff:ff:ff:ff/01:00:00:00:00:00", "0x1/0x1", "1/0", "LOCAL", "IN_PORT", "NONE", "in_port", " ",
    ];

    private static readonly string[] FieldNames =
    [
        "in_port", "dl_src", "dl_dst", "dl_type", "dl_vlan", "dl_vlan_pcp", "vlan_tci", "vlan_vid", "nw_src", "nw_dst", "nw_proto",
        "nw_tos", "nw_ecn", "nw_ttl", "nw_frag", "tp_src", "tp_dst", "udp_src", "udp_dst", "icmp_type", "icmp_code", "arp_spa",
        "arp_tpa", "arp_op", "metadata", "reg0", "reg7", "reg8", "tcp_flags", "ip", "tcp", "udp", "arp", "icmp", "ipv6", "priority",
        "table", "cookie", "idle_timeout", "hard_timeout", "tun_id", "ct_state", "actions",
    ];

    private static readonly string[] ExtraActions =
    [
        "drop", "normal", "flood", "output:2", "output:99", "output:(2", "resubmit(,10", "resubmit(,1)", "resubmit:3", "resubmit(,300)",
        "dec_ttl", "dec_ttl(1,2", "dec_ttl()", "learn(table=1", "strip_vlan", "pop_vlan", "push_vlan:0x8100", "mod_vlan_vid:4096",
        "mod_vlan_vid:10", "mod_nw_tos:3", "mod_nw_dst:10.0.0.1", "set_field:1->reg0", "load:1->NXM_NX_REG0[0..3]",
        "goto_table:1", "goto_table:0", "write_metadata:0x1/0x1", "controller", "2", "LOCAL", "in_port", "note:00",
    ];

    private readonly Rng _rng = new(seed);

    /// <summary>The corpus lines to mutate: every rule and packet of tests/ovs-corpus, with the corpus's protocol.</summary>
    public static List<FuzzCase> CorpusSeeds(string corpusRoot)
    {
        var seeds = new List<FuzzCase>();
        foreach (var dir in Directory.GetDirectories(corpusRoot).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(dir, "rules.txt"))) continue;
            var protocolFile = Path.Combine(dir, "protocol.txt");
            var protocol = File.Exists(protocolFile) ? File.ReadAllLines(protocolFile).First(l => l.Length > 0 && l[0] != '#').Trim() : "OpenFlow10";
            seeds.AddRange(Lines(Path.Combine(dir, "rules.txt")).Select(l => new FuzzCase(FuzzCase.Rule, protocol, l)));
            seeds.AddRange(Lines(Path.Combine(dir, "packets.txt")).Select(l => new FuzzCase(FuzzCase.Packet, protocol, l)));
        }
        return seeds;

        static IEnumerable<string> Lines(string file) =>
            File.ReadAllLines(file).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0);
    }

    /// <summary><paramref name="count"/> mutants of the seeds of <paramref name="kind"/>.</summary>
    public List<FuzzCase> Cases(string kind, int count)
    {
        var pool = seeds.Where(s => s.Kind == kind).ToList();
        var cases = new List<FuzzCase>(count);
        for (var i = 0; i < count; i++)
        {
            var original = pool[_rng.NextInt(pool.Count)];
            var text = original.Text;
            // Packets have no slack (every field is checked), so one mutation each keeps some of them valid.
            var mutations = kind == FuzzCase.Packet ? 1 : 1 + _rng.NextInt(3);
            for (var m = 0; m < mutations; m++) text = Mutate(text, pool, kind);
            cases.Add(original with { Text = text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ').Trim() });
        }
        return cases;
    }

    private string Mutate(string text, List<FuzzCase> pool, string kind)
    {
        var items = Items(text);
        switch (_rng.NextInt(11))
        {
            case 0 when text.Length > 0: return text.Remove(_rng.NextInt(text.Length), 1);
            case 1: return text.Insert(_rng.NextInt(text.Length + 1), SyntaxChars[_rng.NextInt(SyntaxChars.Length)].ToString());
            case 2 when text.Length > 1: return text[..(1 + _rng.NextInt(text.Length - 1))];
            case 3:
            {
                // Unbalance: drop a closing parenthesis, or open one that is never closed.
                var close = text.LastIndexOf(')');
                return close >= 0 && _rng.NextInt(2) == 0 ? text.Remove(close, 1) : text.Insert(_rng.NextInt(text.Length + 1), "(");
            }
            case 4 when items.Count > 1: items.RemoveAt(_rng.NextInt(items.Count)); break;
            case 5: items.Insert(_rng.NextInt(items.Count + 1), items.Count > 0 ? items[_rng.NextInt(items.Count)] : "drop"); break;
            case 6 when items.Count > 1:
            {
                var a = _rng.NextInt(items.Count);
                var b = _rng.NextInt(items.Count);
                (items[a], items[b]) = (items[b], items[a]);
                break;
            }
            case 7:
            {
                var other = Items(pool[_rng.NextInt(pool.Count)].Text);
                if (other.Count > 0) items.Insert(_rng.NextInt(items.Count + 1), other[_rng.NextInt(other.Count)]);
                break;
            }
            case 8 when items.Count > 0:
            {
                var i = _rng.NextInt(items.Count);
                var sep = items[i].IndexOfAny(['=', ':']);
                var value = EdgeValues[_rng.NextInt(EdgeValues.Length)];
                items[i] = sep >= 0 ? items[i][..(sep + 1)] + value : items[i] + "=" + value;
                break;
            }
            case 9 when items.Count > 0:
            {
                var i = _rng.NextInt(items.Count);
                var sep = items[i].IndexOfAny(['=', ':', '(']);
                items[i] = FieldNames[_rng.NextInt(FieldNames.Length)] + (sep >= 0 ? items[i][sep..] : "");
                break;
            }
            case 10:
            {
                var extra = ExtraActions[_rng.NextInt(ExtraActions.Length)];
                if (kind == FuzzCase.Packet) items.Insert(_rng.NextInt(items.Count + 1), FieldNames[_rng.NextInt(FieldNames.Length)] + "=" + EdgeValues[_rng.NextInt(EdgeValues.Length)]);
                else return _rng.NextInt(2) == 0 ? text + "," + extra : InsertAction(text, extra);
                break;
            }
            default: return text;
        }
        return Join(items);
    }

    private string InsertAction(string text, string action)
    {
        var at = text.IndexOf("actions=", StringComparison.Ordinal);
        return at < 0 ? text + ",actions=" + action : text.Insert(at + "actions=".Length, action + ",");
    }

    /// <summary>Top-level comma-separated items, with "actions=..." kept as one item so item mutations do not split actions from it.</summary>
    private static List<string> Items(string text)
    {
        var at = text.IndexOf("actions=", StringComparison.Ordinal);
        var match = at < 0 ? text : text[..at];
        var items = match.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (at >= 0) items.Add(text[at..]);
        return items;
    }

    private static string Join(List<string> items)
    {
        // Keep actions last, where ovs-ofctl expects them to run to the end of the line.
        var sb = new StringBuilder();
        foreach (var item in items.Where(i => !i.StartsWith("actions=", StringComparison.Ordinal)).Concat(items.Where(i => i.StartsWith("actions=", StringComparison.Ordinal))))
        {
            if (sb.Length > 0) sb.Append(',');
            sb.Append(item);
        }
        return sb.ToString();
    }
}
