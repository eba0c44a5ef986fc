using System.CommandLine;
using System.Globalization;
using System.Text;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim cache-sweep`: one server's vSwitch under a growing number of concurrent flows (10 to 1,000,000),
/// for the kernel and netdev datapaths: hit rates per cache level, upcall rate, CPU and throughput, as a
/// CSV and a plot. Traffic: 64-byte UDP packets at a fixed rate, each from a uniformly chosen one of N
/// flows with random addresses in 10.0.0.0/8 and random ports.
/// </summary>
internal static class CacheSweepCommand
{
    private static readonly int[] DefaultFlows = [10, 100, 1_000, 10_000, 100_000, 200_000, 500_000, 1_000_000];

    public static Command Create()
    {
        var rules = new Option<FileInfo?>("--rules") { Description = "ovs-ofctl add-flows file for the slow path (default: the built-in --rule-set)" };
        var ruleSet = new Option<string>("--rule-set") { Description = "l4-exact (a megaflow per connection) | prefix-acl (a few thousand megaflows)", DefaultValueFactory = _ => "l4-exact" };
        var flows = new Option<string>("--flows") { Description = "Comma-separated flow counts", DefaultValueFactory = _ => string.Join(',', DefaultFlows) };
        var datapath = new Option<string>("--datapath") { Description = "kernel | netdev | both", DefaultValueFactory = _ => "both" };
        var rate = new Option<long>("--pps") { Description = "Offered packets per second", DefaultValueFactory = _ => 1_000_000 };
        var duration = new Option<double>("--seconds") { Description = "Measured simulated seconds (after 1 s of warm-up)", DefaultValueFactory = _ => 2 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for cache-sweep.csv and the plots", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var command = new Command("cache-sweep", "Flow-cache dynamics of one vSwitch as concurrent flows grow") { rules, ruleSet, flows, datapath, rate, duration, output };
        command.SetAction(parse => Execute(parse.GetValue(rules), parse.GetValue(ruleSet)!, parse.GetValue(flows)!, parse.GetValue(datapath)!, parse.GetValue(rate),
            parse.GetValue(duration), parse.GetValue(output)!));
        return command;
    }

    private static int Execute(FileInfo? rulesFile, string ruleSet, string flowList, string datapath, long pps, double seconds, DirectoryInfo output)
    {
        RuleFile rules;
        try
        {
            rules = rulesFile is not null ? RuleFileParser.ParseFile(rulesFile.FullName) : ruleSet switch
            {
                "l4-exact" => RuleFileParser.Parse(L4ExactRules(), "<built-in l4-exact>"),
                "prefix-acl" => RuleFileParser.Parse(PrefixAclRules(), "<built-in prefix-acl>"),
                _ => throw new RuleParseException([$"--rule-set: '{ruleSet}' is not one of l4-exact, prefix-acl"]),
            };
        }
        catch (RuleParseException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.BadInput;
        }
        int[] counts;
        try { counts = flowList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException)
        {
            Console.Error.WriteLine($"dcsim: --flows expects comma-separated whole numbers, got '{flowList}'");
            return ExitCodes.BadInput;
        }
        var profiles = datapath switch
        {
            "kernel" => [DatapathProfile.KernelDefaults],
            "netdev" => [DatapathProfile.NetdevDefaults],
            "both" => new[] { DatapathProfile.KernelDefaults, DatapathProfile.NetdevDefaults },
            _ => null,
        };
        if (profiles is null || counts.Length == 0 || counts.Any(c => c < 1) || pps < 1 || seconds <= 0)
        {
            Console.Error.WriteLine("dcsim: --datapath is kernel, netdev or both; --flows, --pps and --seconds must be positive");
            return ExitCodes.BadInput;
        }
        var rows = new List<(DatapathKind Kind, CacheExperimentResult Result)>();
        Console.WriteLine("datapath  flows      emc_hit  mega_hit  upcall   upcalls/s   lost      masks/pkt  cyc/pkt  dp_cpu  handler_cpu  delivered_pps  latency_us  megaflows");
        foreach (var profile in profiles)
        foreach (var n in counts)
        {
            var settings = CacheExperimentSettings.Defaults(profile, n) with
            {
                PacketsPerSecond = pps, DurationPs = (long)(seconds * SimTime.Second),
            };
            var slowPath = new PipelineSlowPath(rules, [1, 2]);
            var r = new CacheExperiment(settings, slowPath, RandomFlow).Run();
            rows.Add((profile.Kind, r));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{profile.Kind,-9} {n,-10} {r.ExactMatchHitRate,7:P1} {r.MegaflowHitRate,8:P1} {r.UpcallRate,7:P1} {r.UpcallsPerSecond,10:N0} {r.LostUpcalls,9:N0} {r.MasksPerPacket,9:0.00} {r.CyclesPerPacket,8:N0} {r.DatapathCpu,6:P0} {r.HandlerCpu,11:P0} {r.DeliveredPacketsPerSecond,14:N0} {r.MeanLatencyUs,11:0.00} {r.MegaflowsAtEnd,9:N0}"));
        }
        output.Create();
        File.WriteAllText(Path.Combine(output.FullName, "cache-sweep.csv"), Csv(rows));
        Plot(rows, output.FullName);
        Console.WriteLine($"results  {output.FullName}: cache-sweep.csv, cache-sweep-hits.png, cache-sweep-cpu.png, cache-sweep-throughput.png");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// A per-port L4 policy: table 0 matches the exact TCP source port (1024-65023), table 1 the exact
    /// destination port (1-1024). Every lookup consults both ports in full, so each connection needs its
    /// own megaflow: the case that fills the flow table and then the upcall handlers.
    /// </summary>
    private static List<string> L4ExactRules()
    {
        var lines = new List<string>(66_100);
        for (var p = 1024; p < 65_024; p++) lines.Add($"table=0,priority=10,tcp,tp_src={p},actions=resubmit(,1)");
        for (var p = 1; p <= 1024; p++) lines.Add($"table=1,priority=10,tcp,tp_dst={p},actions=output:1");
        lines.Add("table=0,priority=0,actions=drop");
        return lines;
    }

    /// <summary>An ACL of 1,000 rules on nw_src/nw_dst prefixes (/8 to /24) inside 10/8, from a fixed seed, then a default allow.</summary>
    private static List<string> PrefixAclRules()
    {
        var rng = RandomStreams.Create(1, 0, "prefix-acl");
        var lines = new List<string>(1_001);
        for (var i = 0; i < 1_000; i++)
        {
            var srcLen = 8 + rng.NextInt(17);
            var dstLen = 8 + rng.NextInt(17);
            var src = (0x0A00_0000u | (uint)rng.NextInt(1 << 24)) & (uint)(0xFFFF_FFFFUL << (32 - srcLen));
            var dst = (0x0A00_0000u | (uint)rng.NextInt(1 << 24)) & (uint)(0xFFFF_FFFFUL << (32 - dstLen));
            lines.Add($"priority={100 + rng.NextInt(900)},ip,nw_src={Ip(src)}/{srcLen},nw_dst={Ip(dst)}/{dstLen},actions={(rng.NextInt(2) == 0 ? "drop" : "output:1")}");
        }
        lines.Add("priority=0,actions=output:1");
        return lines;
    }

    private static string Ip(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";

    /// <summary>A TCP flow from port 2 (the host side) with random 10/8 addresses and ports.</summary>
    private static FlowKey RandomFlow(int index, Rng rng)
    {
        var key = new FlowKey();
        key.Set(FlowField.InPort, 2);
        key.Set(FlowField.DlType, PacketFlowKey.Ipv4EtherType);
        key.Set(FlowField.DlSrc, EndpointAddress.Planned(1).Mac);
        key.Set(FlowField.DlDst, EndpointAddress.Planned(2).Mac);
        key.Set(FlowField.NwSrc, 0x0A00_0000UL | (ulong)rng.NextInt(1 << 24));
        key.Set(FlowField.NwDst, 0x0A00_0000UL | (ulong)rng.NextInt(1 << 24));
        key.Set(FlowField.NwProto, 6);
        key.Set(FlowField.NwTtl, 64);
        key.Set(FlowField.TpSrc, (ulong)(1024 + rng.NextInt(64_000)));
        key.Set(FlowField.TpDst, (ulong)(1 + rng.NextInt(1024)));
        return key;
    }

    private static string Csv(List<(DatapathKind Kind, CacheExperimentResult R)> rows)
    {
        var sb = new StringBuilder("datapath,flows,packets,delivered,dropped_rx_ring,lost_upcalls,exact_match_hit_rate,megaflow_hit_rate,upcall_rate,upcalls_per_second,masks_per_packet,cycles_per_packet,datapath_cpu,handler_cpu,delivered_pps,mean_latency_us,megaflows_at_end,masks_at_end\n");
        foreach (var (kind, r) in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{kind.ToString().ToLowerInvariant()},{r.Flows},{r.Packets},{r.Delivered},{r.DroppedRxRing},{r.LostUpcalls},{r.ExactMatchHitRate:0.######},{r.MegaflowHitRate:0.######},{r.UpcallRate:0.######},{r.UpcallsPerSecond:0.###},{r.MasksPerPacket:0.####},{r.CyclesPerPacket:0.#},{r.DatapathCpu:0.####},{r.HandlerCpu:0.####},{r.DeliveredPacketsPerSecond:0.#},{r.MeanLatencyUs:0.###},{r.MegaflowsAtEnd},{r.MasksAtEnd}\n");
        return sb.ToString();
    }

    /// <summary>Three PNG plots next to the CSV: hit rates, CPU, and throughput against log10(flows).</summary>
    private static void Plot(List<(DatapathKind Kind, CacheExperimentResult R)> rows, string directory)
    {
        var hits = new ScottPlot.Plot();
        var cpu = new ScottPlot.Plot();
        var throughput = new ScottPlot.Plot();
        foreach (var group in rows.GroupBy(r => r.Kind))
        {
            var name = group.Key.ToString().ToLowerInvariant();
            var x = group.Select(r => Math.Log10(r.R.Flows)).ToArray();
            if (group.Key == DatapathKind.Netdev) hits.Add.Scatter(x, group.Select(r => 100 * r.R.ExactMatchHitRate).ToArray()).LegendText = $"{name}: exact-match hits %";
            hits.Add.Scatter(x, group.Select(r => 100 * r.R.MegaflowHitRate).ToArray()).LegendText = $"{name}: megaflow hits %";
            hits.Add.Scatter(x, group.Select(r => 100 * r.R.UpcallRate).ToArray()).LegendText = $"{name}: upcalls %";
            cpu.Add.Scatter(x, group.Select(r => 100 * r.R.DatapathCpu).ToArray()).LegendText = $"{name}: datapath cores busy %";
            cpu.Add.Scatter(x, group.Select(r => 100 * r.R.HandlerCpu).ToArray()).LegendText = $"{name}: handler cores busy %";
            throughput.Add.Scatter(x, group.Select(r => r.R.DeliveredPacketsPerSecond / 1e6).ToArray()).LegendText = $"{name}: delivered Mpps";
        }
        foreach (var (plot, title, y, file) in new[]
                 {
                     (hits, "Cache hit rates", "% of packets", "cache-sweep-hits.png"),
                     (cpu, "CPU", "% busy", "cache-sweep-cpu.png"),
                     (throughput, "Throughput", "Mpps", "cache-sweep-throughput.png"),
                 })
        {
            plot.Title(title);
            plot.Axes.Bottom.Label.Text = "concurrent flows (log10)";
            plot.Axes.Left.Label.Text = y;
            plot.ShowLegend(ScottPlot.Alignment.MiddleLeft);
            plot.SavePng(Path.Combine(directory, file), 900, 500);
        }
    }
}
