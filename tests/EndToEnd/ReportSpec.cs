using System.Xml.Linq;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim report` on what `dcsim run` wrote, through the real executable; and `dcsim run --report`.</summary>
public sealed class ReportSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string Scenario => Dcsim.RepositoryFile(Path.Combine("config", "scenarios", "determinism.conf"));

    [Fact]
    public void Report_must_tabulate_and_plot_a_runs_results_and_give_the_same_page_as_run_with_report()
    {
        // arrange: determinism.conf (3 ms, 12 hosts: every generator kind, drops, TCP, udp-rr)
        var dir = Scratch.Directory("report");
        var (results, withReport) = (Path.Combine(dir, "run"), Path.Combine(dir, "run-with-report"));
        var run = Dcsim.Run(Timeout, "run", Scenario, "--out", results);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);

        // act
        var report = Dcsim.Run(Timeout, "report", results);
        var first = File.ReadAllBytes(Path.Combine(results, "report.html"));
        var again = Dcsim.Run(Timeout, "report", results);
        var runReport = Dcsim.Run(Timeout, "run", Scenario, "--out", withReport, "--report");

        // assert
        Assert.True(report.ExitCode == 0, report.Stdout + report.Stderr);
        Assert.Equal($"report   {Path.Combine(results, "report.html")}\n", report.Stdout.Replace("\r\n", "\n"));
        var page = XDocument.Load(Path.Combine(results, "report.html"));
        var busiest = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "links-by-utilisation").Elements("tr").ElementAt(1);
        Assert.Equal(["host5->leaf1", "10", "0.566783", "0.091605", "8", "139.641463", "0"], busiest.Elements("td").Select(c => c.Value));
        Assert.Equal(8, page.Descendants("figure").Count(f => f.Element(XName.Get("svg", "http://www.w3.org/2000/svg")) is not null));
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(results, "report.html")));
        Assert.True(runReport.ExitCode == 0, runReport.Stdout + runReport.Stderr);
        Assert.Contains($"report   {Path.Combine(withReport, "report.html")}", runReport.Stdout);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(withReport, "report.html")));
    }

    [Fact]
    public void Report_must_exit_2_naming_a_folder_that_is_not_a_result_folder()
    {
        // arrange
        var dir = Scratch.Directory("report-empty");

        // act
        var result = Dcsim.Run(Timeout, "report", dir);

        // assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"dcsim: report: {dir} is not a result folder: it has no summary.json", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }
}
