using System.Text.RegularExpressions;
using Xunit;
using static DcSim.Runner.Tests.Report.ReportFixture;

namespace DcSim.Runner.Tests.Report;

/// <summary>`dcsim report` on a run's folder: the tables hold the files' numbers, the plots are inline SVG, the page is the same every time.</summary>
public sealed class RunReportSpec
{
    [Fact]
    public void Report_must_show_the_summary_and_the_busiest_links_as_the_files_have_them()
    {
        // arrange: determinism.conf's checked-in results (every generator kind, drops, TCP, udp-rr)
        var dir = Golden("determinism");

        // act
        var page = Made(dir);

        // assert
        Assert.Equal("determinism", Row(page, "run", "scenario")["value"]);
        Assert.Equal("7", Row(page, "run", "seed")["value"]);
        Assert.Equal("3", Row(page, "run", "duration (ms)")["value"]);
        Assert.Equal("106590", Row(page, "run", "events processed")["value"]);
        Assert.Equal("2103", Row(page, "run", "dropped packets")["value"]);
        Assert.Equal("163839", Row(page, "figures", "one-way latency p50 (ns)")["value"]);
        var links = Table(page, "links-by-utilisation");
        Assert.Equal(11, links.Count);
        Assert.Equal(["host5->leaf1", "10", "0.566783", "0.091605", "8", "139.641463", "0"], links[1]);
        Assert.Equal("leaf1->host6", links[2][0]);
        var drops = Table(page, "links-by-drops");
        Assert.Equal(2, drops.Count);
        Assert.Equal(["leaf0->host1", "10", "0.314609", "0.448864", "16", "1501.218328", "10"], drops[1]);
        var place = Row(page, "drops-by-place", "host9/stack:backlog");
        Assert.Equal("1349", place["dropped packets"]);
        Assert.Equal("0.641", place["share of drops"]);
    }

    [Fact]
    public void Report_must_give_the_fct_percentiles_by_size_equal_to_the_summarys_slowdowns()
    {
        // arrange
        var dir = Golden("determinism");

        // act
        var page = Made(dir);

        // assert: FCTs from tcp-flows.csv (nearest rank over the 18 completed sized flows); the slowdowns equal summary.json's
        // fct_slowdown (8.988091, 159.054977), which the run computed from its own counters
        var all = Row(page, "tcp-fct", "all");
        Assert.Equal("18", all["completed flows"]);
        Assert.Equal("278.77", all["FCT p50 (us)"]);
        Assert.Equal("2130.4", all["FCT p99 (us)"]);
        Assert.Equal("8.988", all["slowdown p50"]);
        Assert.Equal("159.055", all["slowdown p99"]);
        Assert.Equal("16", Row(page, "tcp-fct", "<=10KB")["completed flows"]);
        Assert.Equal(["all", "<=10KB", "10KB-100KB", "100KB-1MB"], Table(page, "tcp-fct").Skip(1).Select(r => r[0]));
    }

    [Fact]
    public void Report_must_show_cpu_guests_latency_round_trips_and_series_and_plot_each_as_svg()
    {
        // arrange
        var dir = Golden("determinism");

        // act
        var page = Made(dir);

        // assert
        Assert.Equal(["summary", "links", "servers", "endpoints", "latency", "rr", "tcp", "series"], SectionIds(page));
        var host9 = Row(page, "servers-cpu", "host9");
        Assert.Equal("0.230746", host9["host kernel"]);
        Assert.Equal("host9", Table(page, "servers-cpu")[1][0]);
        var vm = Row(page, "guests", "host8/vm-0");
        Assert.Equal(["vm", "running", "1.2"], [vm["kind"], vm["state"], vm["startup (ms)"]]);
        Assert.Equal(16, Table(page, "guests").Count - 1);
        var oneWay = Row(page, "latency-histograms", "one-way latency, every delivered packet");
        Assert.Equal("6320", oneWay["count"]);
        Assert.Equal("163.839", oneWay["p50 (us)"]);
        Assert.Equal("2267.2", oneWay["max (us)"]);
        Assert.Equal("73", Row(page, "latency-histograms", "request completion, generator2")["count"]);
        var rr = Table(page, "rr-clients");
        Assert.Equal(["4", "12", "13", "udp", "12", "7849.368099", "127.39879", "121.855", "218.42", "218.42", "0"], rr[1]);
        var plots = Plots(page);
        Assert.Equal(8, plots.Count);
        Assert.Contains(plots, p => p.StartsWith("CDF of the utilisation of the 36 directed links", StringComparison.Ordinal));
        Assert.Contains(plots, p => p.StartsWith("CDF of the FCT", StringComparison.Ordinal));
        Assert.Contains(plots, p => p.StartsWith("cwnd/…: 1 series", StringComparison.Ordinal));
        Assert.Contains(plots, p => p.StartsWith("incast/…: 1 series", StringComparison.Ordinal));
        Assert.Empty(Problems(page));
    }

    [Fact]
    public void Report_must_be_byte_identical_when_made_twice_with_ids_unique_in_the_page()
    {
        // arrange
        var dir = Golden("determinism");
        var copy = Golden("determinism");

        // act
        Made(dir);
        var first = File.ReadAllBytes(Path.Combine(dir, "report.html"));
        Made(dir);
        Made(copy);

        // assert: ScottPlot numbers its clip paths with a process-wide counter; the page renumbers them per plot
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(dir, "report.html")));
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(copy, "report.html")));
        var ids = Regex.Matches(File.ReadAllText(Path.Combine(dir, "report.html")), "\\sid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(ids, id => id.StartsWith("cl_", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dir, ".report.html.partial")));
    }

    [Fact]
    public void Report_must_need_no_network_and_no_script()
    {
        // arrange
        var dir = Golden("leaf-spine-small");

        // act
        Made(dir);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));

        // assert
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", ""));
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<img", html);
    }
}
