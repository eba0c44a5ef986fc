using System.Globalization;
using DcSim.Runner.Results;

namespace DcSim.Runner.Report;

/// <summary>
/// tcp-flows.csv: the flow completion times of the sized TCP flows that completed, by the size buckets of summary.json's fct_slowdown
/// (the same nearest-rank percentiles, so the slowdowns here equal the summary's), and their CDF per bucket on a log axis.
/// </summary>
internal static class TcpSection
{
    private static readonly string[] Columns = ["flow", "size", "completed_ps", "fct_us", "slowdown"];

    public static void Write(ReportPage page, ResultFolder folder)
    {
        if (folder.Section(page, "tcp", "TCP flow completion times", "tcp-flows.csv", Columns) is not { } csv) return;
        var sized = csv.Rows.Select(row => (Size: csv.Number(row, "size"), Done: csv.Number(row, "completed_ps") >= 0,
            Fct: csv.Number(row, "fct_us"), Slowdown: csv.Number(row, "slowdown"))).Where(f => f.Size > 0).ToList();
        var done = sized.Where(f => f.Done).ToList();
        page.Paragraph($"{csv.Rows.Count} TCP connections, {sized.Count} with a size; {done.Count} of those completed within the run.");
        if (done.Count == 0) return;

        var buckets = new List<(string Name, List<double> Fct, List<double> Slowdown)> { ("all", Sorted(done, f => f.Fct), Sorted(done, f => f.Slowdown)) };
        double lower = 0;
        foreach (var (name, upTo) in ResultFiles.SizeBuckets)
        {
            var inBucket = done.Where(f => f.Size > lower && f.Size <= upTo).ToList();
            if (inBucket.Count > 0) buckets.Add((name, Sorted(inBucket, f => f.Fct), Sorted(inBucket, f => f.Slowdown)));
            lower = upTo;
        }
        page.Table("tcp-fct", ["size", "completed flows", "FCT p50 (us)", "FCT p95 (us)", "FCT p99 (us)", "FCT max (us)", "slowdown p50", "slowdown p99"],
            buckets.Select(b => (IReadOnlyList<string>)
            [
                b.Name, b.Fct.Count.ToString(CultureInfo.InvariantCulture), P(b.Fct, 50), P(b.Fct, 95), P(b.Fct, 99), ReportPage.Format(b.Fct[^1]),
                P(b.Slowdown, 50), P(b.Slowdown, 99),
            ]).ToList(), "size");
        page.Note("Nearest-rank percentiles of the completed sized flows; slowdown is the FCT over the ideal FCT of an idle network (docs/tcp.md).");

        var plot = SvgPlot.Titled("TCP flow completion time", "FCT (us)", "fraction of completed flows");
        foreach (var (name, fct, _) in buckets.Skip(buckets.Count == 2 ? 1 : 0))
        {
            var (x, y) = SvgPlot.Cdf(fct);
            var line = plot.Add.ScatterLine(x.Select(SvgPlot.Log10).ToArray(), y);
            line.LegendText = $"{name} ({fct.Count})";
        }
        SvgPlot.LogBottomAxis(plot, done.Select(f => f.Fct));
        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        page.Plot(plot, "CDF of the FCT of the completed sized flows, by flow size (tcp-flows.csv's fct_us; log axis).");
    }

    private static List<double> Sorted<T>(IEnumerable<T> items, Func<T, double> value) => items.Select(value).Order().ToList();

    private static string P(List<double> sorted, double p) => ReportPage.Format(ResultFiles.Percentile(sorted, p));
}
