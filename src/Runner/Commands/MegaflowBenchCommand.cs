using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Randomness;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench-megaflow`: lookups per second in the megaflow cache with 10 and 1,000 masks (up to 1,000
/// flows per mask), for packets that hit a random flow (masks probed in order until its own: tuple space
/// search), packets that miss (every mask probed), and repeats with the kernel mask-cache hint (one probe).
/// </summary>
internal static class MegaflowBenchCommand
{
    public static Command Create()
    {
        var lookups = new Option<int>("--lookups") { Description = "Lookups per measurement", DefaultValueFactory = _ => 2_000_000 };
        var command = new Command("bench-megaflow", "Measure megaflow cache lookups per second with 10 and 1,000 masks") { lookups };
        command.SetAction(parse => Execute(parse.GetValue(lookups)));
        return command;
    }

    private static int Execute(int lookups)
    {
        Console.WriteLine("masks  flows      case          lookups/s     masks probed/lookup");
        foreach (var masks in new[] { 10, 1_000 })
        {
            var rng = RandomStreams.Create(1, masks, "bench-megaflow");
            var cache = new MegaflowCache<int>();
            var keys = new List<(FlowKey Key, int Mask)>();
            for (var m = 0; m < masks; m++)
            {
                // Distinct masks (nw_dst prefix lengths and tp_dst bit patterns); in_port keeps each mask's
                // megaflows apart from the others', since megaflows installed by OVS never overlap.
                var mask = new FlowKey();
                mask.Exact(FlowField.InPort);
                mask.Set(FlowField.NwDst, 0xFFFF_FFFFUL << (32 - (1 + m % 32)));
                mask.Set(FlowField.TpDst, (ulong)(m / 32 + 1));
                for (var f = 0; f < 1_000; f++)
                {
                    var key = new FlowKey();
                    key.Set(FlowField.InPort, (ulong)m);
                    key.Set(FlowField.NwDst, (ulong)rng.NextInt(int.MaxValue));
                    key.Set(FlowField.TpDst, (ulong)rng.NextInt(65_536));
                    cache.Insert(in key, in mask, m, 0);
                    keys.Add((key, m));
                }
            }
            var hitKeys = Enumerable.Range(0, 4_096).Select(_ => keys[rng.NextInt(keys.Count)]).ToArray();
            Measure(masks, cache.Count, "random hit", lookups, i => cache.Lookup(in hitKeys[i & 4_095].Key).Probes);
            Measure(masks, cache.Count, "hinted hit", lookups, i => cache.Lookup(in hitKeys[i & 4_095].Key, hitKeys[i & 4_095].Mask).Probes);
            var missKeys = Enumerable.Range(0, 4_096).Select(_ =>
            {
                var k = new FlowKey();
                k.Set(FlowField.InPort, (ulong)masks);   // an in_port no megaflow has: absent under every mask
                k.Set(FlowField.NwDst, (ulong)rng.NextInt(int.MaxValue));
                return k;
            }).ToArray();
            Measure(masks, cache.Count, "miss", Math.Max(1, lookups / (masks / 10)), i => cache.Lookup(in missKeys[i % missKeys.Length]).Probes);
        }
        return ExitCodes.Ok;
    }

    private static void Measure(int masks, int flows, string label, int lookups, Func<int, int> lookup)
    {
        for (var i = 0; i < Math.Min(lookups, 100_000); i++) lookup(i);  // warm up the JIT
        long probes = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < lookups; i++) probes += lookup(i);
        sw.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{masks,5}  {flows,9:N0}  {label,-12} {lookups / sw.Elapsed.TotalSeconds,12:N0}  {(double)probes / lookups,10:0.00}"));
    }
}
