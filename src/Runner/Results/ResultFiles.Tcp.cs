using System.Globalization;
using System.Text;
using System.Text.Json;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Metrics;

namespace DcSim.Runner.Results;

/// <summary>
/// The TCP results: tcp-flows.csv (one row per connection: what was sent and read, when, its FCT against the ideal one of an idle network, and
/// its TCP counters summed over both ends), series.csv (sampled congestion windows, incast rounds), and the FCT slowdown by flow size as
/// HPCC and pFabric report it.
/// </summary>
internal static partial class ResultFiles
{
    /// <summary>Flow-size buckets of the FCT summary: upper bounds in bytes (the last is open).</summary>
    internal static readonly (string Name, long UpTo)[] SizeBuckets =
        [("<=10KB", 10_000), ("10KB-100KB", 100_000), ("100KB-1MB", 1_000_000), ("1MB-10MB", 10_000_000), (">10MB", long.MaxValue)];

    internal sealed record TcpFlowRow(long FlowId, ComponentCounters C)
    {
        public long Size => C[TcpResults.Size];
        public bool Completed => C.Values.ContainsKey(TcpResults.CompletedPs) && Size > 0;
        public long FctPs => Completed ? C[TcpResults.CompletedPs] - C[TcpResults.StartPs] : 0;
        public long IdealPs => C[TcpResults.IdealFctPs];
        public double Slowdown => Completed && IdealPs > 0 ? Math.Max(1.0, (double)FctPs / IdealPs) : 0;
    }

    internal static IEnumerable<TcpFlowRow> TcpFlowRows(ResultsBuilder results) =>
        results.Components.Values.Where(c => c.Kind == TcpResults.Kind)
            .Select(c => new TcpFlowRow(long.Parse(c.Path.AsSpan(c.Path.IndexOf('/') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture), c));

    public static string TcpFlowsCsv(ResultsBuilder results)
    {
        var sb = new StringBuilder();
        sb.Append("flow,generator,source,destination,size,start_ps,completed_ps,fct_us,ideal_fct_us,slowdown,bytes_acked,bytes_received,")
          .Append("segments_sent,retransmissions,timeouts,fast_recoveries,ecn_marks,ecn_echoes,ecn_reductions,window_probes,max_cwnd,peer_max_cwnd\n");
        foreach (var r in TcpFlowRows(results))
        {
            var c = r.C;
            sb.Append(CultureInfo.InvariantCulture, $"{r.FlowId},{c[TcpResults.Generator]},{c[TcpResults.Source]},{c[TcpResults.Destination]},{r.Size},")
              .Append(CultureInfo.InvariantCulture, $"{c[TcpResults.StartPs]},{(r.Completed ? c[TcpResults.CompletedPs] : -1)},{Round(r.FctPs / 1e6)},")
              .Append(CultureInfo.InvariantCulture, $"{Round(r.IdealPs / 1e6)},{Round(r.Slowdown)},{c[TcpResults.BytesAcked]},{c[TcpResults.BytesReceived]},")
              .Append(CultureInfo.InvariantCulture, $"{c[TcpResults.SegmentsSent]},{c[TcpResults.Retransmissions]},{c[TcpResults.Timeouts]},{c[TcpResults.FastRecoveries]},")
              .Append(CultureInfo.InvariantCulture, $"{c[TcpResults.CeMarks]},{c[TcpResults.EcnEchoes]},{c[TcpResults.EcnReductions]},{c[TcpResults.WindowProbes]},{c[TcpResults.MaxCwnd]},{c[TcpResults.PeerMaxCwnd]}\n");
        }
        return sb.ToString();
    }

    /// <summary>Every sampled series: cwnd/FLOW (bytes) and incast/GENERATOR (completion time of the round that began at the time, ps).</summary>
    public static string SeriesCsv(ResultsBuilder results)
    {
        var sb = new StringBuilder("series,time_ps,value\n");
        foreach (var (name, points) in results.Series)
            foreach (var (time, value) in points.OrderBy(p => p.Time))
                sb.Append(CultureInfo.InvariantCulture, $"{name},{time},{value}\n");
        return sb.ToString();
    }

    private static void WriteTcp(Utf8JsonWriter w, ResultsBuilder results)
    {
        var rows = TcpFlowRows(results).ToList();
        w.WriteStartObject("tcp");
        w.WriteNumber("connections", rows.Count);
        w.WriteNumber("sized_flows", rows.Count(r => r.Size > 0));
        w.WriteNumber("completed_flows", rows.Count(r => r.Completed));
        w.WriteNumber("bytes_received", rows.Sum(r => r.C[TcpResults.BytesReceived]));
        w.WriteNumber("retransmissions", rows.Sum(r => r.C[TcpResults.Retransmissions]));
        w.WriteNumber("timeouts", rows.Sum(r => r.C[TcpResults.Timeouts]));
        w.WriteNumber("fast_recoveries", rows.Sum(r => r.C[TcpResults.FastRecoveries]));
        w.WriteNumber("ecn_marks", rows.Sum(r => r.C[TcpResults.CeMarks]));
        w.WriteStartObject("fct_slowdown");
        foreach (var (name, rowsInBucket) in SlowdownBuckets(rows))
        {
            w.WriteStartObject(name);
            w.WriteNumber("flows", rowsInBucket.Count);
            w.WriteNumber("mean", Round(rowsInBucket.Count == 0 ? 0 : rowsInBucket.Average()));
            foreach (var p in (double[])[50, 95, 99]) w.WriteNumber($"p{p}", Round(Percentile(rowsInBucket, p)));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("incast_completion_ns");
        foreach (var (name, family) in results.Histograms.Where(h => h.Key.StartsWith("incast-qct/", StringComparison.Ordinal)))
            foreach (var (target, h) in family) WriteLatency(w, $"{name[(name.IndexOf('/') + 1)..]}/target{target}", h);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Completed sized flows' slowdowns, sorted, per size bucket and over all.</summary>
    private static IEnumerable<(string Name, List<double> Slowdowns)> SlowdownBuckets(List<TcpFlowRow> rows)
    {
        var done = rows.Where(r => r.Completed && r.IdealPs > 0).ToList();
        yield return ("all", done.Select(r => r.Slowdown).Order().ToList());
        long lower = 0;
        foreach (var (name, upTo) in SizeBuckets)
        {
            yield return (name, done.Where(r => r.Size > lower && r.Size <= upTo).Select(r => r.Slowdown).Order().ToList());
            lower = upTo;
        }
    }

    /// <summary>Nearest-rank percentile of sorted values (0 for none).</summary>
    internal static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static void AppendTcp(StringBuilder sb, ResultsBuilder results)
    {
        var rows = TcpFlowRows(results).ToList();
        if (rows.Count == 0) return;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"tcp      {rows.Count:N0} connections, {rows.Count(r => r.Completed):N0} of {rows.Count(r => r.Size > 0):N0} sized flows completed; retransmissions {rows.Sum(r => r.C[TcpResults.Retransmissions]):N0}, timeouts {rows.Sum(r => r.C[TcpResults.Timeouts]):N0}, ECN marks {rows.Sum(r => r.C[TcpResults.CeMarks]):N0}");
        foreach (var (name, s) in SlowdownBuckets(rows).Where(b => b.Slowdowns.Count > 0))
            sb.AppendLine(CultureInfo.InvariantCulture, $"fct      {name,-11} {s.Count,7:N0} flows  slowdown p50 {Percentile(s, 50),8:0.00}  p95 {Percentile(s, 95),8:0.00}  p99 {Percentile(s, 99),8:0.00}");
        foreach (var (name, family) in results.Histograms.Where(h => h.Key.StartsWith("incast-qct/", StringComparison.Ordinal)))
            foreach (var (target, h) in family)
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"incast   generator {name[(name.IndexOf('/') + 1)..]} -> {target}: {h.Count} rounds  completion mean {h.MeanPs / 1e6:0.0} us  p50 {h.PercentileNs(50) / 1e3:0.0} us  max {h.MaxPs / 1e6:0.0} us");
    }
}
