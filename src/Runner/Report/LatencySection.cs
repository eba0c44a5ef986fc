using System.Globalization;
using System.Text.Json;

namespace DcSim.Runner.Report;

/// <summary>
/// Latencies: the histograms summary.json keeps (one-way latency of every delivered packet, request completion per request-response
/// generator, incast rounds per target), as a table and as CDFs drawn through their percentiles (min, p50, p90, p99, p99.9, max: the
/// points the files have, not every bucket); and rr.csv, the round trips of every udp-rr and tcp-rr client.
/// </summary>
internal static class LatencySection
{
    private const int RrRows = 30;

    private static readonly (string Name, double Fraction)[] Points = [("min", 0), ("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99_9", 0.999), ("max", 1)];

    private static readonly string[] RrColumns =
        ["generator", "client", "server", "requests", "transactions", "transactions_per_s", "rtt_mean_us", "rtt_p50_us", "rtt_p99_us", "rtt_max_us", "lost", "protocol"];

    public static void WriteHistograms(ReportPage page, JsonElement summary)
    {
        var histograms = new List<(string Name, JsonElement H)> { ("one-way latency, every delivered packet", summary.GetProperty("latency_ns")) };
        if (summary.TryGetProperty("request_completion_ns", out var requests))
            histograms.AddRange(requests.EnumerateObject().Select(p => ($"request completion, {p.Name}", p.Value)));
        if (summary.TryGetProperty("tcp", out var tcp) && tcp.TryGetProperty("incast_completion_ns", out var incast))
            histograms.AddRange(incast.EnumerateObject().Select(p => ($"incast round completion, generator {p.Name}", p.Value)));
        histograms = histograms.Where(h => h.H.GetProperty("count").GetInt64() > 0).ToList();
        if (histograms.Count == 0) return;

        page.Section("latency", "Latency");
        page.Table("latency-histograms", ["histogram", "count", "mean (us)", "min (us)", "p50 (us)", "p90 (us)", "p99 (us)", "p99.9 (us)", "max (us)"],
            histograms.Select(h => (IReadOnlyList<string>)
            [
                h.Name, h.H.GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture), Us(h.H, "mean"),
                .. Points.Select(p => Us(h.H, p.Name)),
            ]).ToList(), "histogram");
        var plot = SvgPlot.Titled("Latency", "latency (us)", "fraction");
        foreach (var (name, h) in histograms)
        {
            var line = plot.Add.Scatter(Points.Select(p => SvgPlot.Log10(h.GetProperty(p.Name).GetDouble() / 1e3)).ToArray(), Points.Select(p => p.Fraction).ToArray());
            line.LegendText = name;
            line.MarkerSize = 5;
        }
        SvgPlot.LogBottomAxis(plot, histograms.SelectMany(h => Points.Select(p => h.H.GetProperty(p.Name).GetDouble() / 1e3)));
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        page.Plot(plot, "CDFs through the percentiles summary.json records (HdrHistograms with 2 significant digits; min and max exact): markers at min, p50, p90, p99, p99.9, max; log axis.");
    }

    public static void WriteRoundTrips(ReportPage page, ResultFolder folder)
    {
        if (folder.Section(page, "rr", "Request/response round trips (udp-rr, tcp-rr)", "rr.csv", RrColumns) is not { } csv) return;
        page.Table("rr-clients", ["generator", "client", "server", "protocol", "transactions", "transactions/s", "RTT mean (us)", "RTT p50 (us)", "RTT p99 (us)", "RTT max (us)", "lost"],
            csv.Rows.Take(RrRows).Select(row => (IReadOnlyList<string>)
            [
                csv.Text(row, "generator"), csv.Text(row, "client"), csv.Text(row, "server"), csv.Text(row, "protocol"), csv.Text(row, "transactions"),
                csv.Text(row, "transactions_per_s"), csv.Text(row, "rtt_mean_us"), csv.Text(row, "rtt_p50_us"), csv.Text(row, "rtt_p99_us"),
                csv.Text(row, "rtt_max_us"), csv.Text(row, "lost"),
            ]).ToList(), "protocol");
        if (csv.Rows.Count > RrRows) page.Note($"The first {RrRows} of {csv.Rows.Count} clients (rr.csv order); rr.csv has them all.");
        var active = csv.Rows.Where(row => csv.Number(row, "transactions") > 0).ToList();
        if (active.Count == 0) return;
        var plot = SvgPlot.Titled("Round trip over the clients", "round trip (us)", "fraction of clients");
        foreach (var column in (string[])["rtt_p50_us", "rtt_p99_us"])
        {
            var values = active.Select(row => csv.Number(row, column)).ToList();
            var (x, y) = SvgPlot.Cdf(values);
            plot.Add.ScatterLine(x.Select(SvgPlot.Log10).ToArray(), y).LegendText = column;
        }
        SvgPlot.LogBottomAxis(plot, active.SelectMany(row => (double[])[csv.Number(row, "rtt_p50_us"), csv.Number(row, "rtt_p99_us")]));
        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        page.Plot(plot, $"CDF over the {active.Count} clients that completed a transaction of their round trip p50 and p99 (rr.csv; log axis).");
    }

    private static string Us(JsonElement h, string name) => ReportPage.Format(h.GetProperty(name).GetDouble() / 1e3);
}
