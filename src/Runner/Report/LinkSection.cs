namespace DcSim.Runner.Report;

/// <summary>
/// links.csv: the busiest links and those that dropped, the distribution of utilisation over all directed links, and the queues of
/// the links whose queue grew most (mean and largest, in packets). Cells are shown as the file has them.
/// </summary>
internal static class LinkSection
{
    private const int Top = 10;
    private const int QueuesPlotted = 20;

    private static readonly string[] Columns =
        ["from", "to", "rate_bps", "utilisation", "queue_mean_packets", "queue_max_packets", "mean_wait_ns", "dropped_packets"];

    private static readonly string[] Header = ["link", "rate (Gb/s)", "utilisation", "mean queue (packets)", "max queue (packets)", "mean wait (ns)", "dropped packets"];

    public static void Write(ReportPage page, ResultFolder folder)
    {
        if (folder.Section(page, "links", "Links", "links.csv", Columns) is not { } csv) return;
        var links = csv.Rows.Select((row, index) => (Row: row, Index: index, Utilisation: csv.Number(row, "utilisation"),
            Drops: csv.Number(row, "dropped_packets"), MeanQueue: csv.Number(row, "queue_mean_packets"), MaxQueue: csv.Number(row, "queue_max_packets"))).ToList();
        page.Paragraph($"{links.Count} directed links; mean utilisation {ReportPage.Format(links.Average(l => l.Utilisation))}, "
            + $"{links.Count(l => l.Drops > 0)} with drops ({links.Sum(l => l.Drops):0} packets).");

        page.Heading($"Top {Math.Min(Top, links.Count)} by utilisation");
        page.Table("links-by-utilisation", Header,
            links.OrderByDescending(l => l.Utilisation).ThenBy(l => l.Index).Take(Top).Select(l => Cells(csv, l.Row)).ToList(), "link");
        var dropping = links.Where(l => l.Drops > 0).OrderByDescending(l => l.Drops).ThenBy(l => l.Index).Take(Top).ToList();
        if (dropping.Count > 0)
        {
            page.Heading($"Top {dropping.Count} by drops");
            page.Table("links-by-drops", Header, dropping.Select(l => Cells(csv, l.Row)).ToList(), "link");
        }

        var (x, y) = SvgPlot.Cdf(links.Select(l => l.Utilisation).ToList());
        var cdf = SvgPlot.Titled("Link utilisation over the directed links", "utilisation (busy time / duration)", "fraction of links");
        cdf.Add.ScatterLine(x, y);
        cdf.Axes.SetLimitsY(0, 1);
        page.Plot(cdf, $"CDF of the utilisation of the {links.Count} directed links (links.csv).");

        var queued = links.Where(l => l.MaxQueue > 0).OrderByDescending(l => l.MaxQueue).ThenBy(l => l.Index).Take(QueuesPlotted).ToList();
        if (queued.Count == 0) return;
        var queues = SvgPlot.Titled("Queues of the links whose queue grew most", "", "queue (packets)");
        var mean = queues.Add.Bars(queued.Select((l, i) => new ScottPlot.Bar { Position = i * 3, Value = l.MeanQueue, FillColor = ScottPlot.Colors.SteelBlue }).ToList());
        mean.LegendText = "time-averaged queue";
        mean.Color = ScottPlot.Colors.SteelBlue;
        var max = queues.Add.Bars(queued.Select((l, i) => new ScottPlot.Bar { Position = i * 3 + 1, Value = l.MaxQueue, FillColor = ScottPlot.Colors.Crimson }).ToList());
        max.LegendText = "largest queue";
        max.Color = ScottPlot.Colors.Crimson;
        queues.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            queued.Select((_, i) => i * 3 + 0.5).ToArray(), queued.Select(l => Name(csv, l.Row)).ToArray());
        queues.Axes.Bottom.TickLabelStyle.Rotation = 45;
        queues.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        queues.Axes.Margins(bottom: 0);
        queues.ShowLegend(ScottPlot.Alignment.UpperRight);
        page.Plot(queues, $"Mean and largest queue, in packets, of the {queued.Count} links with the largest queues (links.csv's queue_mean_packets and queue_max_packets).", height: 480);
    }

    private static string Name(CsvTable csv, string[] row) => $"{csv.Text(row, "from")}->{csv.Text(row, "to")}";

    private static IReadOnlyList<string> Cells(CsvTable csv, string[] row) =>
    [
        Name(csv, row), ReportPage.Format(csv.Number(row, "rate_bps") / 1e9), csv.Text(row, "utilisation"), csv.Text(row, "queue_mean_packets"),
        csv.Text(row, "queue_max_packets"), csv.Text(row, "mean_wait_ns"), csv.Text(row, "dropped_packets"),
    ];
}
