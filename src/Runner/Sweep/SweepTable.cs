using System.Text;

namespace DcSim.Runner.Sweep;

/// <summary>A sweep's results: each point's values of the varied keys and its headline figures (<see cref="SweepFigures"/>).</summary>
internal sealed record SweepTable(IReadOnlyList<SweepAxis> Axes, IReadOnlyList<(SweepPoint Point, double?[] Figures)> Rows)
{
    /// <summary>sweep.csv: a header (point, the keys, the figures' columns), then one row per point in grid order.</summary>
    public string Csv()
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', ((string[])["point", .. Axes.Select(a => a.Key), .. SweepFigures.All.Select(f => f.Column)]).Select(Cell)).Append('\n');
        foreach (var (point, figures) in Rows)
        {
            csv.Append(point.Number);
            foreach (var (_, value) in point.Settings) csv.Append(',').Append(Cell(value));
            for (var i = 0; i < figures.Length; i++) csv.Append(',').Append(SweepFigures.Format(SweepFigures.All[i], figures[i]));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>A CSV cell, quoted (RFC 4180) when it holds a comma, a quote or a line break.</summary>
    public static string Cell(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
