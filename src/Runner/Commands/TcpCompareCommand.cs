using System.CommandLine;
using System.Globalization;
using System.Text;
using DcSim.ActorsHost;
using DcSim.ActorsHost.Traffic;
using DcSim.Runner.Results;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim tcp-compare`: runs DcSim's side of the TCP comparisons with ns-3 (docs/tcp-vs-ns3.md) — (a) one long flow over a 10 Gb/s path and
/// through a 1 Gb/s bottleneck with a 100-packet queue, NewReno and CUBIC; (b) incast of N × 64 KiB into a 100-packet port, min RTO 200 ms and
/// 1 ms; (c) DCTCP with K = 20 and 65 — and sets each figure beside the ns-3 figure that tools/ns3-tcp/run.sh measured (its "gap" framing, which
/// gives every frame DcSim's wire time). Writes tcp-compare.md, tcp-compare.csv and the plots.
/// </summary>
internal static class TcpCompareCommand
{
    private static readonly int[] IncastSenders = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64];
    private const int Mss = 1448;
    /// <summary>Line time of a full segment (1538 B) and of a pure ACK (90 B), preamble and gap included.</summary>
    private static readonly int SegmentWire = Ethernet.FrameBytes(Mss, Ethernet.TcpHeaderBytes) + Ethernet.PreambleAndGapBytes;
    private static readonly int AckWire = Ethernet.FrameBytes(0, Ethernet.TcpHeaderBytes) + Ethernet.PreambleAndGapBytes;

    public static Command Create()
    {
        var ns3 = new Option<DirectoryInfo>("--ns3") { Description = "tools/ns3-tcp/run.sh's output folder", DefaultValueFactory = _ => new DirectoryInfo("tools/ns3-tcp/results") };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for tcp-compare.md, tcp-compare.csv and the plots", DefaultValueFactory = _ => new DirectoryInfo("results/tcp-compare") };
        var cases = new Option<string>("--cases") { Description = "Comma-separated: single, incast, dctcp", DefaultValueFactory = _ => "single,incast,dctcp" };
        var command = new Command("tcp-compare", "DcSim's TCP beside ns-3's on the same scenarios (tools/ns3-tcp)") { ns3, output, cases };
        command.SetAction(parse => Execute(parse.GetValue(ns3)!, parse.GetValue(output)!, parse.GetValue(cases)!));
        return command;
    }

    private static int Execute(DirectoryInfo ns3, DirectoryInfo output, string caseList)
    {
        var cases = caseList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (cases.Length == 0 || cases.Any(c => c is not ("single" or "incast" or "dctcp")))
        {
            Console.Error.WriteLine($"dcsim: --cases takes single, incast and dctcp, got '{caseList}'");
            return ExitCodes.BadInput;
        }
        if (!ns3.Exists)
        {
            Console.Error.WriteLine($"dcsim: --ns3 {ns3.FullName}: no such folder (run tools/ns3-tcp/run.sh DIR first)");
            return ExitCodes.BadInput;
        }
        output.Create();
        var report = new StringBuilder();
        var csv = new StringBuilder("case,metric,dcsim,ns3\n");
        report.AppendLine(CultureInfo.InvariantCulture, $"# DcSim and ns-3 TCP, side by side\n\nMade by `dcsim tcp-compare` from ns-3 results in `{ns3.Name}`; ns-3 rows use its \"gap\" framing (DcSim's wire time per frame).\n");
        if (cases.Contains("single")) Single(ns3, output, report, csv);
        if (cases.Contains("incast")) Incast(ns3, output, report, csv);
        if (cases.Contains("dctcp")) Dctcp(ns3, report, csv);
        File.WriteAllText(Path.Combine(output.FullName, "tcp-compare.md"), report.ToString());
        File.WriteAllText(Path.Combine(output.FullName, "tcp-compare.csv"), csv.ToString());
        Console.WriteLine(report.ToString());
        Console.WriteLine($"results  {output.FullName}");
        return ExitCodes.Ok;
    }

    // ---- (a) one long flow ----

    private static void Single(DirectoryInfo ns3, DirectoryInfo output, StringBuilder report, StringBuilder csv)
    {
        var peer = Ns3Csv.Read(Path.Combine(ns3.FullName, "single.csv")).Where(r => r["framing"] == "gap").ToList();
        report.AppendLine("## (a) One long flow\n\n| path | cc | goodput Gb/s DcSim | ns-3 | diff | bottleneck queue mean pkts DcSim | ns-3 | retransmits DcSim | ns-3 |\n|---|---|---|---|---|---|---|---|---|");
        foreach (var (config, fabric, seconds, bottleneck) in new[] { ("a1", "10Gbps", 0.5, "host0->leaf0"), ("a2", "1Gbps", 1.0, "leaf0->spine0") })
            foreach (var (cc, label, tcpSection) in new[]
                     {
                         ("newreno", "newreno", "congestion-control = newreno"),
                         ("cubic", "cubic", "congestion-control = cubic"),
                         ("cubic", "cubic, no Reno-friendly region", "congestion-control = cubic, cubic.tcp-friendly = false"),
                     })
            {
                var scenario = $$"""
                    name = "tcp-single-{{config}}"
                    duration = {{seconds.ToString(CultureInfo.InvariantCulture)}}s
                    topology {
                      spines = 1, leaves = 2, hosts-per-leaf = 1
                      host-link { rate = 10Gbps, delay = 1us }
                      fabric-link { rate = {{fabric}}, delay = 1us }
                      host-queue { limit = 1000, unit = packets }
                      switch-queue { limit = 100, unit = packets }
                    }
                    servers.stack-costs = free
                    tcp { {{tcpSection}}, delayed-ack-segments = 1 }
                    traffic.generators = [ { kind = tcp-bulk, hosts = [0], destination = fixed, target = 1, tcp-bulk.cwnd-trace = 500us } ]
                    """;
                var results = Run(scenario);
                var flow = ResultFiles.TcpFlowRows(results).Single().C;
                var goodput = flow[ActorsHost.Tcp.TcpResults.BytesReceived] * 8 / seconds / 1e9;
                var queue = results.Links[LinkKey(results, bottleneck)].QueueMeanPackets((long)(seconds * SimTime.Second));
                var p = peer.Single(r => r["config"] == config && r["cc"] == cc);
                var peerGoodput = p.Number("goodputGbps");
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {config} ({fabric} bottleneck) | {label} | {goodput:0.000} | {peerGoodput:0.000} | {Difference(goodput, peerGoodput)} | {queue:0.0} | {p.Number("queueMeanPkts"):0.0} | {flow[ActorsHost.Tcp.TcpResults.Retransmissions]} | {p["retransmits"]} |");
                var tag = $"{config}-{label.Replace(", no Reno-friendly region", "-nofriendly", StringComparison.Ordinal)}";
                csv.AppendLine(CultureInfo.InvariantCulture, $"single-{tag},goodput_gbps,{goodput:0.######},{peerGoodput:0.######}");
                csv.AppendLine(CultureInfo.InvariantCulture, $"single-{tag},queue_mean_packets,{queue:0.######},{p.Number("queueMeanPkts"):0.######}");
                var ours = results.Series.Single(s => s.Key.StartsWith("cwnd/", StringComparison.Ordinal)).Value.Select(t => (t.Time / 1e12, (double)t.Value / Mss)).ToList();
                var theirs = Ns3Csv.Read(Path.Combine(ns3.FullName, $"single-{config}-{cc}-gap-cwnd.csv")).Select(r => (r.Number("time_s"), r.Number("cwnd_bytes") / Mss)).ToList();
                PlotSeries(Path.Combine(output.FullName, $"cwnd-{tag}.png"), $"cwnd, one {label} flow, {fabric} bottleneck", "time (s)", "cwnd (segments)",
                    [("DcSim", ours), ("ns-3", theirs)], logY: false);
            }
        report.AppendLine("\nPlots: `cwnd-a1-*.png`, `cwnd-a2-*.png` (DcSim samples its window every 500 µs; ns-3's trace is every change, thinned to 2000 points).\n");
    }

    // ---- (b) incast ----

    private static void Incast(DirectoryInfo ns3, DirectoryInfo output, StringBuilder report, StringBuilder csv)
    {
        var peer = Ns3Csv.Read(Path.Combine(ns3.FullName, "incast.csv")).Where(r => r["timestamps"] == "1").ToList();
        report.AppendLine("## (b) Incast, N × 64 KiB into a 100-packet port\n\nMedian (and max) query completion time over 10 rounds, ms.\n\n| N | RTO 200 ms DcSim | ns-3 | RTO 1 ms DcSim | ns-3 |\n|---|---|---|---|---|");
        var curves = new List<(string, List<(double, double)>)>();
        var rows = new Dictionary<(string Rto, int N), (double Median, double Max)>();
        foreach (var rto in (string[])["200ms", "1ms"])
        {
            var ours = new List<(double, double)>();
            foreach (var n in IncastSenders)
            {
                var scenario = $$"""
                    name = "tcp-incast-{{n}}-{{rto}}"
                    duration = 8s
                    topology {
                      spines = 1, leaves = 1, hosts-per-leaf = {{n + 1}}
                      host-link { rate = 10Gbps, delay = 1us }
                      fabric-link { rate = 10Gbps, delay = 1us }
                      switch-queue { limit = 100, unit = packets }
                    }
                    servers.stack-costs = free
                    tcp { congestion-control = newreno, delayed-ack-segments = 1, min-rto = {{rto}} }
                    traffic.generators = [ { kind = incast, hosts = "1-{{n}}", destination = incast, target = 0,
                      incast { request-size = 64B, response-size = 65536B, rounds = 10 } } ]
                    """;
                var results = Run(scenario);
                var rounds = results.Series.GetValueOrDefault(TrafficHistograms.IncastRounds(0))?.Select(r => r.Value / 1e9).Order().ToList() ?? [];
                var median = rounds.Count == 0 ? double.NaN : rounds[(rounds.Count - 1) / 2];
                var max = rounds.Count == 0 ? double.NaN : rounds[^1];
                rows[(rto, n)] = (median, max);
                ours.Add((n, median));
                csv.AppendLine(CultureInfo.InvariantCulture, $"incast-{rto}-{n},qct_p50_ms,{median:0.######},{Peer(peer, rto, n, "qctP50Ms"):0.######}");
            }
            curves.Add(($"DcSim, min RTO {rto}", ours));
            curves.Add(($"ns-3, min RTO {rto}", IncastSenders.Select(n => ((double)n, Peer(peer, rto, n, "qctP50Ms"))).ToList()));
        }
        foreach (var n in IncastSenders)
        {
            string Cell(string rto) => $"{rows[(rto, n)].Median:0.000} ({rows[(rto, n)].Max:0.000})";
            string PeerCell(string rto) => $"{Peer(peer, rto, n, "qctP50Ms"):0.000} ({Peer(peer, rto, n, "qctMaxMs"):0.000})";
            report.AppendLine(CultureInfo.InvariantCulture, $"| {n} | {Cell("200ms")} | {PeerCell("200ms")} | {Cell("1ms")} | {PeerCell("1ms")} |");
        }
        PlotSeries(Path.Combine(output.FullName, "incast.png"), "incast: median query completion time", "senders N", "ms", curves, logY: true);
        report.AppendLine("\nPlot: `incast.png`.\n");
    }

    private static double Peer(List<Ns3Csv.Row> rows, string rto, int n, string column) =>
        rows.FirstOrDefault(r => r["minRto"] == rto && r["senders"] == n.ToString(CultureInfo.InvariantCulture))?.Number(column) ?? double.NaN;

    // ---- (c) DCTCP ----

    private static void Dctcp(DirectoryInfo ns3, StringBuilder report, StringBuilder csv)
    {
        var peer = Ns3Csv.Read(Path.Combine(ns3.FullName, "dctcp.csv"));
        report.AppendLine("""
            ## (c) DCTCP, N long flows into one 10 Gb/s port marking at K packets

            Queue figures after a 0.1 s warm-up (DcSim samples the port every 10 µs, `switch-queue.trace`); theory from Alizadeh et al.
            (SIGCOMM 2010, §3.3): Q_max = K + N, amplitude A = ½·√(2N(C·RTT + K)), with C·RTT = 5.37 packets on this path.

            | K | N | mean queue DcSim | ns-3 | diff | max DcSim | ns-3 | K + N | swing p1–p99 DcSim | A | goodput / framing ceiling DcSim | ns-3 |
            |---|---|---|---|---|---|---|---|---|---|---|---|
            """);
        const double seconds = 0.5, warmUp = 0.1;
        // One round trip of the idle path: a full frame over two 10 Gb/s hops of 1 µs, and its 90 B ACK back over two.
        var bdpPackets = 1e10 / (SegmentWire * 8) * (2 * (1e-6 + SegmentWire * 8 / 1e10) + 2 * (1e-6 + AckWire * 8 / 1e10));
        foreach (var k in (int[])[20, 65])
            foreach (var n in (int[])[2, 8])
            {
                var scenario = $$"""
                    name = "tcp-dctcp-k{{k}}-n{{n}}"
                    duration = {{seconds.ToString(CultureInfo.InvariantCulture)}}s
                    topology {
                      spines = 1, leaves = 1, hosts-per-leaf = {{n + 1}}
                      host-link { rate = 10Gbps, delay = 1us }
                      fabric-link { rate = 10Gbps, delay = 1us }
                      switch-queue { limit = 100, unit = packets, trace = 10us, ecn { mode = threshold, threshold = {{k}} } }
                    }
                    servers.stack-costs = free
                    tcp { congestion-control = dctcp, delayed-ack-segments = 1 }
                    traffic.generators = [ { kind = tcp-bulk, hosts = "1-{{n}}", destination = fixed, target = 0 } ]
                    """;
                var results = Run(scenario);
                var samples = results.Series["queue/leaf0->host0"].Where(p => p.Time >= warmUp * SimTime.Second).Select(p => (double)p.Value).Order().ToList();
                var queue = samples.Average();
                var swing = samples[(int)(0.99 * (samples.Count - 1))] - samples[(int)(0.01 * (samples.Count - 1))];
                var amplitude = 0.5 * Math.Sqrt(2 * n * (bdpPackets + k));
                var goodput = ResultFiles.TcpFlowRows(results).Sum(r => r.C[ActorsHost.Tcp.TcpResults.BytesReceived]) * 8 / seconds / (1e10 * Mss / SegmentWire);
                var p = peer.Single(r => r["ecnK"] == k.ToString(CultureInfo.InvariantCulture) && r["flows"] == n.ToString(CultureInfo.InvariantCulture));
                var peerQueue = p.Number("queueMeanPkts");
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {k} | {n} | {queue:0.0} | {peerQueue:0.0} | {Difference(queue, peerQueue)} | {samples[^1]:0} | {p["queueMaxPkts"]} | {k + n} | {swing:0} | {amplitude:0.0} | {goodput:0.000} | {p.Number("goodputOfMaxAfterWarmup"):0.000} |");
                csv.AppendLine(CultureInfo.InvariantCulture, $"dctcp-k{k}-n{n},queue_mean_packets,{queue:0.######},{peerQueue:0.######}");
                csv.AppendLine(CultureInfo.InvariantCulture, $"dctcp-k{k}-n{n},queue_max_packets,{samples[^1]:0.######},{p.Number("queueMaxPkts"):0.######}");
                csv.AppendLine(CultureInfo.InvariantCulture, $"dctcp-k{k}-n{n},goodput_of_line_rate,{goodput:0.######},{p.Number("goodputOfMaxAfterWarmup"):0.######}");
            }
        report.AppendLine("\nGoodput is over the framing ceiling, the most TCP payload the port carries (DcSim: 1448 B per 1538 B on the wire over the whole run; ns-3: its own framing, after its warm-up).\n");
    }

    // ---- helpers ----

    /// <summary>(ours − theirs) / theirs with a sign, and a plain 0.0% when it rounds to nothing.</summary>
    private static string Difference(double ours, double theirs)
    {
        var d = Math.Round((ours - theirs) / theirs, 3);
        return d == 0 ? "0.0%" : d.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture);
    }

    private static ResultsBuilder Run(string scenarioText)
    {
        var scenario = ScenarioLoader.Parse(scenarioText, "tcp-compare", Environment.CurrentDirectory, FabricModel.Instance);
        return InProcessRun.Run(FabricModel.Instance, scenario);
    }

    private static string LinkKey(ResultsBuilder results, string fromTo) =>
        results.Links.Keys.Single(k => $"{results.Links[k].From}->{results.Links[k].To}" == fromTo);

    private static void PlotSeries(string file, string title, string x, string y, List<(string Label, List<(double X, double Y)> Points)> series, bool logY)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, points) in series.Where(s => s.Points.Count > 0))
        {
            var ys = points.Select(p => logY ? Math.Log10(Math.Max(p.Y, 1e-3)) : p.Y).ToArray();
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), ys);
            line.LegendText = label;
            line.MarkerSize = logY ? 5 : 0;
        }
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(logY ? $"log10 {y}" : y);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(file, 1000, 500);
    }

    /// <summary>The CSV files tools/ns3-tcp writes: a header, then rows of plain values.</summary>
    private static class Ns3Csv
    {
        public sealed class Row(Dictionary<string, string> values)
        {
            public string this[string column] => values[column];
            public double Number(string column) => double.Parse(values[column], CultureInfo.InvariantCulture);
        }

        public static List<Row> Read(string path)
        {
            var lines = File.ReadAllLines(path);
            var header = lines[0].Split(',');
            return lines.Skip(1).Where(l => l.Length > 0)
                .Select(l => new Row(header.Zip(l.Split(','), (h, v) => (h, v)).ToDictionary(p => p.h, p => p.v))).ToList();
        }
    }
}
