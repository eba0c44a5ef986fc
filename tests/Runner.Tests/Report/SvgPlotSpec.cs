using System.Xml.Linq;
using DcSim.Runner.Report;
using Xunit;

namespace DcSim.Runner.Tests.Report;

/// <summary>The report's plot helpers: inline SVG with stable ids, CDF steps, thinning, log-axis labels.</summary>
public sealed class SvgPlotSpec
{
    private static ScottPlot.Plot Line()
    {
        var plot = SvgPlot.Titled("t", "x (us)", "y");
        plot.Add.Scatter(new double[] { 1, 2, 3 }, new double[] { 1, 4, 9 });
        return plot;
    }

    [Fact]
    public void Inline_must_give_the_same_svg_for_the_same_plot_with_ids_under_the_prefix()
    {
        // act: ScottPlot's own ids differ between the two (a process-wide counter)
        var first = SvgPlot.Inline(Line(), 600, 300, "plot1-");
        var second = SvgPlot.Inline(Line(), 600, 300, "plot1-");

        // assert
        Assert.Equal(first, second);
        Assert.DoesNotContain("<?xml", first);
        var svg = XElement.Parse(first);
        Assert.Equal("0 0 600 300", (string?)svg.Attribute("viewBox"));
        var ids = svg.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(["plot1-0"], ids);
        Assert.Contains("url(#plot1-0)", first);
    }

    [Fact]
    public void Cdf_must_step_up_by_one_over_n_at_each_sorted_value()
    {
        // act
        var (x, y) = SvgPlot.Cdf([3, 1, 2]);

        // assert
        Assert.Equal([1, 1, 2, 2, 3, 3], x);
        Assert.Equal([0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 2 / 3.0, 1], y);
    }

    [Fact]
    public void Ranks_must_space_the_indices_evenly_and_keep_the_last()
    {
        Assert.Equal([0, 1, 2], SvgPlot.Ranks(3, 10));
        Assert.Equal([0, 3, 4], SvgPlot.Ranks(5, 2));
        Assert.Equal([0, 2, 4], SvgPlot.Ranks(5, 3));
        Assert.Empty(SvgPlot.Ranks(0, 3));
        var many = SvgPlot.Ranks(100_001, SvgPlot.MaxPoints).ToList();
        Assert.Equal((0, 51, 100_000, 1962), (many[0], many[1], many[^1], many.Count));
        var (x, y) = SvgPlot.Cdf(Enumerable.Range(0, 100_000).Select(i => (double)i).ToList());
        Assert.Equal((1001 * 2, 99_999, 1.0), (x.Length, x[^1], y[^1]));
    }

    [Fact]
    public void PowerLabel_must_read_as_a_value()
    {
        Assert.Equal(["0.01", "0.1", "1", "10", "100", "1k", "10k", "100k", "1M", "1G"],
            new[] { -2, -1, 0, 1, 2, 3, 4, 5, 6, 9 }.Select(SvgPlot.PowerLabel));
    }
}
