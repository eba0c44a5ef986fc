using System.Net;
using System.Text;

namespace DcSim.Runner.Sweep;

/// <summary>
/// report.html: the sweep's table and one plot per headline figure against the first varied key, one line per
/// combination of the other keys' values. The plots are PNG files beside the report, referenced by relative name, so
/// the folder can be moved or archived whole. The first key's values are evenly spaced categories (64B, 512B, 1500B
/// or newreno, cubic): a sweep's values are often spaced by factors, and need not be numbers at all.
/// </summary>
internal static class SweepReport
{
    /// <summary>Writes the PNGs and returns the HTML that shows them; figures no point measured (no TCP) get no plot.</summary>
    public static string Write(string directory, string scenarioName, SweepTable table)
    {
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>dcsim sweep: {{Encode(scenarioName)}}</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}img{max-width:100%}</style>
            </head><body>
            <h1>dcsim sweep: {{Encode(scenarioName)}}</h1>
            <p>{{table.Rows.Count}} point(s) over {{string.Join(" × ", table.Axes.Select(a => $"<code>{Encode(a.Key)}</code> ({a.Values.Count})"))}}. Each point's result files are in <code>points/</code>; the table is <code>sweep.csv</code> (columns in docs/results.md).</p>
            <h2>Points</h2>
            <table><tr><th>point</th>
            """).Append('\n');
        foreach (var axis in table.Axes) html.Append($"<th>{Encode(axis.Key)}</th>");
        foreach (var figure in SweepFigures.All) html.Append($"<th>{Encode(figure.Column)}</th>");
        html.Append("</tr>\n");
        foreach (var (point, figures) in table.Rows)
        {
            html.Append($"<tr><td>{point.Number}</td>");
            foreach (var (_, value) in point.Settings) html.Append($"<td>{Encode(value)}</td>");
            for (var i = 0; i < figures.Length; i++) html.Append($"<td>{SweepFigures.Format(SweepFigures.All[i], figures[i])}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n<h2>Plots</h2>\n");
        for (var i = 0; i < SweepFigures.All.Count; i++)
        {
            var figure = SweepFigures.All[i];
            if (table.Rows.All(r => r.Figures[i] is null)) continue;
            var file = $"{figure.Column}.png";
            Plot(table, i).SavePng(Path.Combine(directory, file), 900, 450);
            html.Append($"<h3>{Encode(figure.Title)}</h3>\n<img src=\"{file}\" alt=\"{Encode(figure.Title)} against {Encode(table.Axes[0].Key)}\">\n");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>One figure against the first key (also drawn, as inline SVG, by `dcsim report`).</summary>
    public static ScottPlot.Plot Plot(SweepTable table, int figureIndex)
    {
        var first = table.Axes[0];
        var plot = new ScottPlot.Plot();
        // One line per combination of the other keys: the rows grouped by every setting but the first.
        var lines = table.Rows.GroupBy(r => string.Join(", ", r.Point.Settings.Skip(1).Select(s => $"{s.Key}={s.Value}")));
        foreach (var line in lines)
        {
            var points = line.Where(r => r.Figures[figureIndex] is not null)
                .Select(r => (X: (double)IndexOf(first.Values, r.Point.Settings[0].Value), Y: r.Figures[figureIndex]!.Value)).ToList();
            if (points.Count == 0) continue;
            var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.MarkerSize = 6;
            if (line.Key.Length > 0) scatter.LegendText = line.Key;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, first.Values.Count).Select(i => (double)i).ToArray(), first.Values.ToArray());
        plot.Axes.Margins(horizontal: 0.08, vertical: 0.12);
        plot.Title(SweepFigures.All[figureIndex].Title);
        plot.XLabel(first.Key);
        plot.YLabel(SweepFigures.All[figureIndex].Column);
        if (table.Axes.Count > 1) plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    private static int IndexOf(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
            if (values[i] == value) return i;
        return -1;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
