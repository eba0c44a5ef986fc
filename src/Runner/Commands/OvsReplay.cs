using System.Globalization;
using System.Text.Json;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim ovs-trace --replay`: the packets, in order, through a datapath's flow caches in front of the
/// pipeline, as real frames through OVS (`netdev-dummy/receive`): MACs are learned, megaflows installed,
/// the exact-match cache filled. Prints each packet's outcome, the installed megaflows (as
/// `dpctl/dump-flows` lists them, in OVS's megaflow syntax) and the counts `dpif-netdev/pmd-stats-show` reports.
/// </summary>
internal static class OvsReplay
{
    public sealed record Settings(string Datapath, int EmcInsertInverseProbability);

    public static bool IsValid(Settings s, out string error)
    {
        error = s.Datapath is "netdev" or "kernel" ? "" : $"--datapath expects netdev or kernel, got '{s.Datapath}'";
        if (error.Length == 0 && s.EmcInsertInverseProbability < 0) error = "--emc-insert-inv-prob must be 0 or more";
        return error.Length == 0;
    }

    public static int Run(Settings s, Pipeline pipeline, IReadOnlyList<OvsTraceCommand.InputPacket> packets, bool json)
    {
        var profile = s.Datapath == "kernel"
            ? DatapathProfile.KernelDefaults
            : DatapathProfile.NetdevDefaults with { EmcInsertInverseProbability = s.EmcInsertInverseProbability };
        var datapath = new Datapath<DatapathActions>(profile, new PipelineSlowPath(pipeline, learn: true), RandomStreams.Create(1, 0, "replay"));
        var now = 0L;
        foreach (var p in packets)
        {
            var (actions, outcome, _) = datapath.Process(p.Key, (uint)p.Key.GetHashCode(), 64, now);
            var hit = outcome.OvsName();
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new { packet = p.Text, hit, datapath_actions = actions?.Text ?? "" })
                : $"{p.Where}: {hit,-8} {actions?.Text ?? "(lost)"}   {p.Text}");
            now += SimTime.Millisecond;
        }
        var st = datapath.Stats;
        var flows = datapath.Megaflows.Flows.Select(f => new { megaflow = MatchFormatter.Format(f.Key, f.Mask), actions = f.Actions.Text, packets = f.Packets })
            .OrderBy(f => f.megaflow, StringComparer.Ordinal).ToList();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                summary = new
                {
                    datapath = s.Datapath, packets_received = st.Packets, emc_hits = st.ExactMatchHits, megaflow_hits = st.MegaflowHits,
                    mask_cache_hits = st.MaskCacheHits, upcalls = st.UpcallsHandled, lost = st.UpcallsLost, megaflows = flows,
                },
            }));
            return ExitCodes.Ok;
        }
        Console.WriteLine();
        Console.WriteLine($"Datapath ({s.Datapath}) flows, {flows.Count}:");
        foreach (var f in flows) Console.WriteLine($"  {f.megaflow}, packets:{f.packets.ToString(CultureInfo.InvariantCulture)}, actions:{f.actions}");
        Console.WriteLine();
        Console.WriteLine($"  packets received: {st.Packets}");
        if (s.Datapath == "netdev") Console.WriteLine($"  exact match hits: {st.ExactMatchHits}");
        Console.WriteLine($"  megaflow hits: {st.MegaflowHits}");
        if (s.Datapath == "kernel") Console.WriteLine($"  mask cache hits: {st.MaskCacheHits}");
        Console.WriteLine($"  upcalls: {st.UpcallsHandled}");
        Console.WriteLine($"  lost: {st.UpcallsLost}");
        return ExitCodes.Ok;
    }
}
