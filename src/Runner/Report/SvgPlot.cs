using System.Globalization;
using System.Text.RegularExpressions;

namespace DcSim.Runner.Report;

/// <summary>
/// ScottPlot's SVG made fit to sit inline in a page: no XML declaration, a viewBox so that it scales, and its ids (a process-wide
/// counter in ScottPlot, "cl_4", so two runs of the same plot differ) renamed by order of appearance under a prefix the page gives,
/// which makes them unique within the page and the same on every run. Also the axes the report's plots share: a log axis whose
/// ticks read as values (1, 10, 100, 1k) and empirical CDFs.
/// </summary>
internal static partial class SvgPlot
{
    public static string Inline(ScottPlot.Plot plot, int width, int height, string idPrefix)
    {
        var svg = plot.GetSvgXml(width, height);
        svg = XmlDeclaration().Replace(svg, "");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Id().Matches(svg)) ids.TryAdd(m.Groups[1].Value, $"{idPrefix}{ids.Count}");
        svg = Id().Replace(svg, m => $"id=\"{ids[m.Groups[1].Value]}\"");
        svg = Reference().Replace(svg, m => ids.TryGetValue(m.Groups[1].Value, out var id) ? $"url(#{id})" : m.Value);
        var open = svg.IndexOf("<svg ", StringComparison.Ordinal);
        return svg.Insert(open + 5, string.Create(CultureInfo.InvariantCulture, $"viewBox=\"0 0 {width} {height}\" ")).Trim() + "\n";
    }

    /// <summary>A plot with its title and axis labels (quantity and unit).</summary>
    public static ScottPlot.Plot Titled(string title, string x, string y)
    {
        var plot = new ScottPlot.Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    /// <summary>
    /// Puts log10 of the values on the bottom axis with ticks at the powers of ten that cover them, labelled as values; callers plot
    /// <see cref="Log10"/> of their x. Plotted log10 rather than with a log scale: ScottPlot 5 has none, only tick generators.
    /// </summary>
    public static void LogBottomAxis(ScottPlot.Plot plot, IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0).ToList();
        if (positive.Count == 0) return;
        var low = (int)Math.Floor(Math.Log10(positive.Min()));
        var high = (int)Math.Ceiling(Math.Log10(positive.Max()));
        if (high == low) high++;
        var ticks = Enumerable.Range(low, high - low + 1).Select(e => (double)e).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, ticks.Select(e => PowerLabel((int)e)).ToArray());
    }

    /// <summary>log10 of a value, with values at or below 0 (a latency of 0 on an idle path) kept at a floor instead of -infinity.</summary>
    public static double Log10(double value) => Math.Log10(Math.Max(value, 1e-9));

    /// <summary>10^e as a reader writes it: 0.01, 0.1, 1, 10, 100, 1k, 10k, 100k, 1M, 10M, 100M, 1G...</summary>
    public static string PowerLabel(int e) => e switch
    {
        < 0 => Math.Pow(10, e).ToString("0.#########", CultureInfo.InvariantCulture),
        < 3 => Math.Pow(10, e).ToString("0", CultureInfo.InvariantCulture),
        _ => Math.Pow(10, e % 3).ToString("0", CultureInfo.InvariantCulture) + "kMGTPE"[e / 3 - 1],
    };

    /// <summary>The most points a line of a plot gets: each is a few dozen bytes of SVG, and a page of 100k-point lines would not open.</summary>
    public const int MaxPoints = 2000;

    /// <summary>
    /// An empirical CDF as a step line: at each sorted value the fraction of values at or below it. Beyond <see cref="MaxPoints"/> / 2
    /// values, the steps are taken at evenly spaced ranks (and the last), which a plot of this width cannot tell from every step.
    /// </summary>
    public static (double[] X, double[] Y) Cdf(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var x = new List<double>();
        var y = new List<double>();
        foreach (var i in Ranks(sorted.Length, MaxPoints / 2))
        {
            x.Add(sorted[i]);
            y.Add((double)i / sorted.Length);
            x.Add(sorted[i]);
            y.Add((double)(i + 1) / sorted.Length);
        }
        return (x.ToArray(), y.ToArray());
    }

    /// <summary>At most about <paramref name="most"/> indices of 0..count-1, evenly spaced, always with the last.</summary>
    public static IEnumerable<int> Ranks(int count, int most)
    {
        var step = Math.Max(1, (count + most - 1) / most);
        var last = -1;
        for (var i = 0; i < count; i += step)
        {
            last = i;
            yield return i;
        }
        if (last != count - 1) yield return count - 1;
    }

    [GeneratedRegex("""<\?xml[^>]*\?>\s*""")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex("(?<=\\s)id=\"([^\"]+)\"")]
    private static partial Regex Id();

    [GeneratedRegex("""url\(#([^)]+)\)""")]
    private static partial Regex Reference();
}
