using System.Text;
using System.Text.RegularExpressions;

namespace DcSim.ActorsHost.Tests.Fuzz;

/// <summary>One mutated scenario: where it came from, what was done to it, and its text.</summary>
public sealed record ScenarioCase(int Number, string Source, IReadOnlyList<string> Mutations, string Text)
{
    public override string ToString() => $"case {Number} ({Source}: {string.Join("; ", Mutations)})";
}

/// <summary>
/// Mutates scenario files the way a careless edit, a bad merge or a wrong file would: deleted, duplicated,
/// swapped and renamed keys, values of the wrong type or unit, huge and negative numbers, broken braces,
/// brackets and quotes, odd bytes (NUL, controls, byte-order marks, lone surrogates), truncation, and
/// substitutions (cycles, missing targets). Deterministic: the same seed and sources give the same cases
/// (System.Random with a seed is stable across runs and machines).
/// </summary>
public sealed class ScenarioMutator(int seed)
{
    /// <summary>Values written in place of a value: wrong types, wrong and missing units, extremes.</summary>
    private static readonly string[] Values =
    [
        "abc", "[1, 2]", "[]", "{ a = 1 }", "{}", "10", "0", "-1", "-5us", "1ps", "0ps", "10Gbps", "1000Tbps", "1bps", "1.5", "0x10",
        "99999999999999999999", "9223372036854775807", "2147483648", "1e308", "NaN", "Infinity", "\"\"", "\" \"", "[\"\"]", "[\" \"]",
        "all", "true", "off", "null", "65536", "1000000", "\"0-999999\"", "[\"3-1\"]", "1MB", "1TB", "64KiB", "2.5GHz", "0Hz", "1s", "1000s",
        "\"cdf/websearch.txt\"", "\"cdf/missing.txt\"", "\"rules/host-acl.txt\"", "\"/\"", "\"..\"", "${name}", "${nope}", "${topology}",
        "${traffic.generators}", "\"\"\"multi\nline\"\"\"", "permutation", "incast", "fixed", "exponential", "request-response", "on-off", "udp-rr",
        // issue 9's words: hypervisors, switches, placements, backends, networks, published ports, names
        "kvm", "xen", "esxi", "none", "ovs", "linux-bridge", "free", "explicit", "round-robin", "pack", "spread", "pinned", "vhost-user", "qemu",
        "lxc", "host", "macvlan", "bridge", "0.5", "1GiB", "256GiB", "[\"8080:80\"]", "[\"8080:80\", \"8080:80/udp\"]", "[\"0:80/sctp\"]",
        "\"8080:80\"", "web", "web-0", "[web]", "[\"web-1\"]", "[nope]", "[\"0-3\", 2]", "[3, 1, 3]",
        "threshold", "red", "0.002", "1e-9", "-0.1",
    ];

    /// <summary>Keys written in place of a key: typos, keys from elsewhere in the schema, odd spellings.</summary>
    private static readonly string[] Keys =
    [
        "spynes", "spines", "leaves", "hosts-per-leaf", "rate", "delay", "kind", "hosts", "target", "stop", "start", "on-off", "on", "off",
        "duration", "seed", "name", "dcsim", "include", "\"\"", "\"a.b\"", "topology.spines", "traffic.generators", "a.b.c", "generators",
        "vswitch", "rule-changes", "rules", "enabled", "partitions", "flow-size-cdf", "packet-size", "limit", "unit", "x-y_z", "\"quoted key\"",
        "udp-rr", "transactions-in-flight", "timeout",
        "servers", "hypervisor", "vm-switch", "memory", "vcpu-overcommit", "stack-costs", "groups", "vms", "containers", "count", "placement",
        "vcpus", "pinning", "vnic", "cpu-load", "cpu-slice", "runtime", "network", "publish", "endpoints", "costs", "cycles", "per-byte",
        "idle-exit-latency", "idle-threshold",
        // issue 10's queue marking
        "ecn", "threshold", "mode", "red", "min", "max", "max-probability", "weight",
    ];

    /// <summary>Characters inserted anywhere.</summary>
    private static readonly string[] Odd =
    [
        "\0", "\u0001", "\u001f", "\u007f", "\u0085", "\uFEFF", "\u00A0", "\u2028", "\uFFFF", "\uD800", "\uDC00", "\U0001F600", "\t", "\r", "\\",
        "$", "#", "//", "\"", "\"\"\"", "{", "}", "[", "]", ",", "=", ":", "+=", "${", "${?x}", ".", "..", "?", "\n", "\r\n", "é", "\u0430",
    ];

    private static readonly Regex KeyAtLineStart = new(@"^(\s*)([A-Za-z""][A-Za-z0-9_.""-]*)", RegexOptions.Compiled);
    private static readonly Regex ValueAfterEquals = new(@"(=|:)\s*([^,}\]\n#]+)", RegexOptions.Compiled);
    private static readonly Regex Number = new(@"\d+", RegexOptions.Compiled);

    private readonly Random _random = new(seed);

    /// <summary>The cases: each source in turn, with one to three mutations.</summary>
    public IEnumerable<ScenarioCase> Cases(IReadOnlyList<(string Name, string Text)> sources, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (name, text) = sources[i % sources.Count];
            var mutations = new List<string>();
            var rounds = 1 + _random.Next(3);
            for (var r = 0; r < rounds; r++) text = MutateOnce(text, mutations);
            yield return new ScenarioCase(i, name, mutations, text);
        }
    }

    private string MutateOnce(string text, List<string> log)
    {
        var lines = text.Split('\n').ToList();
        var line = _random.Next(lines.Count);
        switch (_random.Next(11))
        {
            case 0:
                log.Add($"delete line {line + 1}");
                lines.RemoveAt(line);
                break;
            case 1:
                log.Add($"duplicate line {line + 1}");
                lines.Insert(line, lines[line]);
                break;
            case 2:
                var other = _random.Next(lines.Count);
                log.Add($"swap lines {line + 1} and {other + 1}");
                (lines[line], lines[other]) = (lines[other], lines[line]);
                break;
            case 3 when KeyAtLineStart.Match(lines[line]) is { Success: true } key:
                var renamed = Pick(Keys);
                log.Add($"rename key '{key.Groups[2].Value}' on line {line + 1} to '{renamed}'");
                lines[line] = key.Groups[1].Value + renamed + lines[line][key.Length..];
                break;
            case 4 when ValueAfterEquals.Matches(lines[line]) is { Count: > 0 } values:
                var value = values[_random.Next(values.Count)].Groups[2];
                var replacement = Pick(Values);
                log.Add($"replace value '{value.Value.Trim()}' on line {line + 1} with '{replacement}'");
                lines[line] = lines[line][..value.Index] + replacement + lines[line][(value.Index + value.Length)..];
                break;
            case 5 when Number.Matches(lines[line]) is { Count: > 0 } numbers:
                var number = numbers[_random.Next(numbers.Count)];
                var extreme = Pick(["0", "-" + number.Value, number.Value + "000000000", "4294967296", "99999999999999999999999", "-0", "00" + number.Value]);
                log.Add($"number '{number.Value}' on line {line + 1} becomes '{extreme}'");
                lines[line] = lines[line][..number.Index] + extreme + lines[line][(number.Index + number.Length)..];
                break;
            case 6:
                var at = _random.Next(text.Length + 1);
                var odd = Pick(Odd);
                log.Add($"insert {Show(odd)} at offset {at}");
                return text[..at] + odd + text[at..];
            case 7 when IndexOfAny(text, "{}[]\",=") is { Count: > 0 } structure:
                var gone = structure[_random.Next(structure.Count)];
                log.Add($"delete '{text[gone]}' at offset {gone}");
                return text.Remove(gone, 1);
            case 8:
                var cut = _random.Next(text.Length + 1);
                log.Add($"truncate at offset {cut}");
                return text[..cut];
            case 9:
                var injected = Pick(["name = ${name}", "seed = ${duration}\nduration = ${seed}", "name = ${nope}", "topology.spines = ${topology.leaves}",
                    "topology = [1]", "topology { host-link { delay = 1us }, spines = 2 }", "traffic.generators = [ { kind = cbr, hosts = \"\" } ]",
                    "topology { hosts-per-leaf = 65536 }", "topology { leaves = 1000000 }", "\"\" = 1", "a.b.c.d.e.f = 1", "traffic { generators = ${topology} }",
                    "vms = [ { name = web, count = 3, vcpus = 9 } ]", "servers { hypervisor = kvm, groups = [ { hosts = [\"0-3\"], hypervisor = none } ] }",
                    "containers = [ { name = web, vms = [web], publish = [\"80:80\", \"80:80\"] } ]", "costs.stack.send { cycles = -1, per-byte = NaN }",
                    "traffic.generators = [ { kind = udp-rr, endpoints = [nope], target = web } ]", "containers = [ { name = c, count = 1000000 } ]",
                    "servers.hypervisor = kvm\nvms = [ { name = v, count = 1000000, vcpus = 1 } ]", "servers.vm-switch = ovs"]);
                log.Add($"insert line '{injected.Replace("\n", "\\n")}' before line {line + 1}");
                lines.Insert(line, injected);
                break;
            default:
                var count = 1 + _random.Next(5);
                log.Add($"repeat line {line + 1} {count * 50} times");
                lines.InsertRange(line, Enumerable.Repeat(lines[line], count * 50));
                break;
        }
        return string.Join('\n', lines);
    }

    private string Pick(string[] choices) => choices[_random.Next(choices.Length)];

    private static List<int> IndexOfAny(string text, string chars)
    {
        var found = new List<int>();
        for (var i = 0; i < text.Length; i++) if (chars.Contains(text[i])) found.Add(i);
        return found;
    }

    private static string Show(string s)
    {
        var b = new StringBuilder();
        foreach (var c in s) b.Append(char.IsControl(c) || char.IsSurrogate(c) || c > '\u007e' ? $"U+{(int)c:X4}" : c.ToString());
        return $"'{b}'";
    }

    /// <summary>The example scenarios of config/scenarios, by file name.</summary>
    public static IReadOnlyList<(string Name, string Text)> ExampleScenarios(string repositoryRoot) =>
        Directory.GetFiles(Path.Combine(repositoryRoot, "config", "scenarios"), "*.conf")
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f)))
            .ToList();
}
