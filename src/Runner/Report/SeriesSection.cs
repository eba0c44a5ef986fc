namespace DcSim.Runner.Report;

/// <summary>
/// series.csv: one plot per family of series (the name before '/': cwnd, incast, and any later family such as a queue's), each with
/// at most <see cref="SeriesPerPlot"/> series and at most <see cref="Families"/> plots, the first by name; what is left out is said.
/// </summary>
internal static class SeriesSection
{
    private const int Families = 8;
    private const int SeriesPerPlot = 8;

    private static readonly string[] Columns = ["series", "time_ps", "value"];

    public static void Write(ReportPage page, ResultFolder folder)
    {
        if (folder.Section(page, "series", "Time series", "series.csv", Columns) is not { } csv) return;
        var series = csv.Rows
            .Select(row => (Name: csv.Text(row, "series"), Time: csv.Number(row, "time_ps"), Value: csv.Number(row, "value")))
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Points: g.OrderBy(p => p.Time).ToList()))
            .ToList();
        var families = series.GroupBy(s => Family(s.Name), StringComparer.Ordinal).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        page.Paragraph($"{series.Count} series in {families.Count} families ({string.Join(", ", families.Select(f => $"{f.Key}: {f.Count()}"))}).");
        foreach (var family in families.Take(Families))
        {
            var (label, scale) = Unit(family.Key);
            var members = family.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
            var plot = SvgPlot.Titled($"{family.Key}", "time (ms)", label);
            var thinned = false;
            foreach (var (name, all) in members.Take(SeriesPerPlot))
            {
                var points = SvgPlot.Ranks(all.Count, SvgPlot.MaxPoints).Select(i => all[i]).ToList();
                thinned |= points.Count < all.Count;
                var line = plot.Add.Scatter(points.Select(p => p.Time / 1e9).ToArray(), points.Select(p => p.Value * scale).ToArray());
                line.LegendText = name;
                // Markers show where the samples are while they are few; on a long series they would hide the line.
                line.MarkerSize = points.Count == 1 ? 6 : points.Count <= 100 ? 3 : 0;
            }
            if (members.Count > 1) plot.ShowLegend(ScottPlot.Alignment.UpperRight);
            var shown = members.Count > SeriesPerPlot ? $"the first {SeriesPerPlot} of {members.Count} series by name" : $"{members.Count} series";
            page.Plot(plot, $"{family.Key}/…: {shown} (series.csv){(thinned ? $"; series of more than {SvgPlot.MaxPoints} samples drawn through evenly spaced ones" : "")}.");
        }
        if (families.Count > Families) page.Note($"The first {Families} of {families.Count} families by name are plotted; series.csv has them all.");
    }

    private static string Family(string name)
    {
        var slash = name.IndexOf('/');
        return slash < 0 ? name : name[..slash];
    }

    /// <summary>The y label and the factor from the file's unit to it, for the families docs/results.md describes.</summary>
    private static (string Label, double Scale) Unit(string family) => family switch
    {
        "cwnd" => ("congestion window (bytes)", 1),
        "incast" => ("round completion time (us)", 1e-6),
        _ => ("value (as in series.csv)", 1),
    };
}
