using System.Globalization;
using DcSim.Runner.Sweep;

namespace DcSim.Runner.Report;

/// <summary>
/// The report of a sweep's folder: sweep.csv as a table whose points link to their own reports (written first, one per point folder
/// under points/ that has a summary.json), and each headline figure against the first varied key, drawn as `dcsim sweep` draws it
/// (<see cref="SweepReport.Plot"/>) but inline. The varied keys are the columns of sweep.csv between `point` and the figures.
/// </summary>
internal static class SweepPage
{
    public static string Html(ResultFolder folder)
    {
        var csv = CsvTable.Parse(SweepFolder.Csv, folder.Read(SweepFolder.Csv));
        var links = WritePointReports(folder);
        var page = new ReportPage($"dcsim sweep: {Path.GetFileName(folder.Directory)}");
        page.Note("From sweep.csv and the points' folders (docs/results.md describes them); made by `dcsim report`.");
        page.Section("points", "Points");
        var figureColumns = SweepFigures.All.Select(f => f.Column).ToHashSet(StringComparer.Ordinal);
        var firstFigure = csv.Header.ToList().FindIndex(figureColumns.Contains);
        if (csv.Header.Count == 0 || csv.Header[0] != "point" || firstFigure < 2)
        {
            page.Problem($"{SweepFolder.Csv} has an unexpected header: it should be point, the varied keys, then the figures "
                + $"({string.Join(",", SweepFigures.All.Select(f => f.Column))}); its header: {string.Join(",", csv.Header)}");
            return page.Html();
        }
        try
        {
            var table = Table(csv, firstFigure);
            page.Paragraph($"{table.Rows.Count} point(s) over {string.Join(" × ", table.Axes.Select(a => $"{a.Key} ({a.Values.Count})"))}; "
                + $"{links.Count} point report(s) linked.");
            WriteTable(page, csv, links);
            page.Section("figures", "Figures");
            for (var i = 0; i < SweepFigures.All.Count; i++)
            {
                if (table.Rows.All(r => r.Figures[i] is null)) continue;
                page.Heading(SweepFigures.All[i].Title);
                page.Plot(SweepReport.Plot(table, i), $"{SweepFigures.All[i].Column} against {table.Axes[0].Key}"
                    + (table.Axes.Count > 1 ? ", one line per value of the other keys (sweep.csv)." : " (sweep.csv)."));
            }
        }
        catch (ReportDataException ex)
        {
            page.Problem(ex.Message);
        }
        return page.Html();
    }

    /// <summary>A report in every point folder with a summary.json; the relative link to each, by point number.</summary>
    private static Dictionary<int, string> WritePointReports(ResultFolder folder)
    {
        var links = new Dictionary<int, string>();
        var points = folder.PathOf(SweepFolder.Points);
        if (!Directory.Exists(points)) return links;
        foreach (var directory in Directory.EnumerateDirectories(points).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            var dash = name.IndexOf('-');
            if (dash <= 0 || !int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var number)) continue;
            if (!File.Exists(Path.Combine(directory, ResultFolder.SummaryFile))) continue;
            var point = ResultFolder.Open(directory);
            point.WriteReport(RunReport.Html(point));
            links.TryAdd(number, $"{SweepFolder.Points}/{Uri.EscapeDataString(name)}/{ResultFolder.ReportFile}");
        }
        return links;
    }

    private static SweepTable Table(CsvTable csv, int firstFigure)
    {
        var keys = csv.Header.Skip(1).Take(firstFigure - 1).ToList();
        var axes = keys.Select(k => new SweepAxis(k, csv.Rows.Select(r => csv.Text(r, k)).Distinct(StringComparer.Ordinal).ToList())).ToList();
        var rows = csv.Rows.Select(r => (
            new SweepPoint((int)csv.Number(r, "point"), keys.Select(k => (k, csv.Text(r, k))).ToList()),
            SweepFigures.All.Select(f => csv.Header.Contains(f.Column) ? csv.OptionalNumber(r, f.Column) : null).ToArray())).ToList();
        return new SweepTable(axes, rows);
    }

    /// <summary>sweep.csv's cells as they are, the point number linking to the point's report.</summary>
    private static void WriteTable(ReportPage page, CsvTable csv, Dictionary<int, string> links)
    {
        var html = new System.Text.StringBuilder("<table id=\"sweep\">\n<tr>");
        foreach (var column in csv.Header) html.Append(CultureInfo.InvariantCulture, $"<th>{ReportPage.Encode(column)}</th>");
        html.Append("</tr>\n");
        foreach (var row in csv.Rows)
        {
            var number = (int)csv.Number(row, "point");
            html.Append("<tr>").Append(links.TryGetValue(number, out var link)
                ? $"<td><a href=\"{ReportPage.Encode(link)}\">{number}</a></td>"
                : $"<td>{number}</td>");
            foreach (var cell in row.Skip(1)) html.Append(CultureInfo.InvariantCulture, $"<td>{ReportPage.Encode(cell)}</td>");
            html.Append("</tr>\n");
        }
        page.Raw(html.Append("</table>\n").ToString());
    }
}
