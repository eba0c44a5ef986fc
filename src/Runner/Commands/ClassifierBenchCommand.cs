using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DcSim.ActorsNetwork.OpenFlow;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench-classifier`: OpenFlow classifier lookups per second on random ACL-like rule sets
/// (IPv4 source/destination prefixes /8 /16 /24 /32, TCP/UDP ports exact or masked, random
/// priorities), with the subtables probed and rules examined per lookup, which show that a lookup
/// does not scan every rule.
/// </summary>
internal static class ClassifierBenchCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--rules") { Description = "Rule-set sizes, comma separated", DefaultValueFactory = _ => "1000,100000" };
        var lookups = new Option<int>("--lookups") { Description = "Timed lookups per rule set", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the rule and packet generator", DefaultValueFactory = _ => 42 };
        var command = new Command("bench-classifier", "Measure OpenFlow classifier lookups per second") { sizes, lookups, seed };
        command.SetAction(parse => Execute(parse.GetValue(sizes)!, parse.GetValue(lookups), parse.GetValue(seed)));
        return command;
    }

    private static int Execute(string sizesText, int lookups, int seed)
    {
        var sizes = new List<int>();
        foreach (var s in sizesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                Console.Error.WriteLine($"dcsim: --rules expects positive integers, got '{s}'");
                return ExitCodes.BadInput;
            }
            sizes.Add(n);
        }
        if (lookups < 1000)
        {
            Console.Error.WriteLine("dcsim: --lookups must be at least 1000");
            return ExitCodes.BadInput;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"conditions: one thread, {Environment.ProcessorCount} cores visible, .NET {Environment.Version}, seed {seed}, {lookups:N0} timed lookups per set after a 10% warm-up, packets half drawn from rule prefixes, half random"));
        Console.WriteLine("rules     subtables  build_s  lookups/s     ns/lookup  subtables/lookup  hash_probes/lookup  rules_examined/lookup  hit_rate");
        foreach (var n in sizes)
        {
            var rng = new Random(seed);
            var rules = Generate(rng, n);
            var build = Stopwatch.StartNew();
            var cls = new Classifier();
            foreach (var r in rules) cls.Insert(r);
            build.Stop();
            var packets = Packets(rng, rules, 65_536);
            var wc = new FlowKey();
            for (var i = 0; i < lookups / 10; i++) { wc = default; cls.Lookup(packets[i & 0xffff], ref wc); }
            var stats = new LookupStats();
            var hits = 0L;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < lookups; i++)
            {
                wc = default;
                if (cls.Lookup(packets[i & 0xffff], ref wc, stats) is not null) hits++;
            }
            sw.Stop();
            var rate = lookups / sw.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,-9} {cls.SubtableCount,9} {build.Elapsed.TotalSeconds,8:0.000} {rate,10:N0} {1e9 / rate,12:0.0} {(double)stats.SubtablesProbed / lookups,17:0.00} {(double)stats.HashProbes / lookups,19:0.00} {(double)stats.RulesExamined / lookups,22:0.00} {(double)hits / lookups,9:P1}"));
        }
        return ExitCodes.Ok;
    }

    /// <summary>ACL-like rules: protocol, source and destination prefixes, destination port exact or masked.</summary>
    internal static List<OpenFlowRule> Generate(Random rng, int count)
    {
        int[] prefixes = [0, 8, 16, 24, 32];
        ushort[] portMasks = [0, 0xffff, 0xffff, 0xfff0, 0xff00, 0xf000];
        var rules = new List<OpenFlowRule>(count);
        var seen = new HashSet<(FlowMatch, int)>();
        while (rules.Count < count)
        {
            var key = new FlowKey();
            var mask = new FlowKey();
            key.Set(F.DlType, F.EthTypeIp); mask.Exact(F.DlType);
            var proto = rng.Next(3) switch { 0 => (byte)0, 1 => F.ProtoTcp, _ => F.ProtoUdp };
            if (proto != 0) { key.Set(F.NwProto, proto); mask.Exact(F.NwProto); }
            SetPrefix(ref key, ref mask, F.NwSrc, (uint)rng.Next() << 1, prefixes[rng.Next(prefixes.Length)]);
            SetPrefix(ref key, ref mask, F.NwDst, (uint)rng.Next() << 1, prefixes[rng.Next(prefixes.Length)]);
            if (proto != 0)
            {
                var pm = portMasks[rng.Next(portMasks.Length)];
                if (pm != 0) { key.SetMasked(F.TpDst, (ulong)rng.Next(65536), pm); mask.Or(F.TpDst, pm); }
            }
            var match = new FlowMatch(key, mask);
            var priority = rng.Next(1, 65536);
            if (!seen.Add((match, priority))) continue;
            rules.Add(new OpenFlowRule(0, priority, match, [new OutputAction((uint)rng.Next(1, 9))]) { });
        }
        return rules;
    }

    private static void SetPrefix(ref FlowKey key, ref FlowKey mask, FlowField f, uint value, int len)
    {
        if (len == 0) return;
        var m = len == 32 ? uint.MaxValue : uint.MaxValue << (32 - len);
        key.SetMasked(f, value, m);
        mask.Or(f, m);
    }

    private static FlowKey[] Packets(Random rng, List<OpenFlowRule> rules, int count)
    {
        var packets = new FlowKey[count];
        for (var i = 0; i < count; i++)
        {
            var p = new FlowKey();
            p.Set(F.InPort, (ulong)rng.Next(1, 9));
            p.Set(F.DlType, F.EthTypeIp);
            p.Set(F.NwProto, rng.Next(2) == 0 ? F.ProtoTcp : F.ProtoUdp);
            p.Set(F.NwSrc, (uint)rng.Next() << 1);
            p.Set(F.NwDst, (uint)rng.Next() << 1);
            p.Set(F.TpSrc, (ulong)rng.Next(1024, 65536));
            p.Set(F.TpDst, (ulong)rng.Next(65536));
            if (rng.Next(2) == 0)
            {
                // Take the significant bits of a random rule so that some lookups hit.
                var r = rules[rng.Next(rules.Count)].Match;
                for (var w = 0; w < FlowKey.WordCount; w++) p[w] = (p[w] & ~r.Mask[w]) | r.Key[w];
            }
            packets[i] = p;
        }
        return packets;
    }
}
