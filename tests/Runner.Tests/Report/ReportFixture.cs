using System.Xml.Linq;
using DcSim.Runner.Commands;
using DcSim.Testing;
using Xunit;

namespace DcSim.Runner.Tests.Report;

/// <summary>Result folders for the report specs (copies of tests/golden's real runs, edited where a spec needs it) and readers of report.html.</summary>
internal static class ReportFixture
{
    public static string Fresh(string tag) => Scratch.Directory($"report-{tag}");

    /// <summary>A folder holding the result files of tests/golden/<paramref name="scenario"/> (a real run's).</summary>
    public static string Golden(string scenario, string? into = null)
    {
        var dir = into ?? Fresh(scenario);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.EnumerateFiles(RepositoryFile(Path.Combine("tests", "golden", scenario))))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }

    public static string RepositoryFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DcSim.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("DcSim.sln not found above the test folder"), relative);
    }

    /// <summary>`dcsim report DIR` in this process: exit code and what it printed on stdout and stderr.</summary>
    public static (int Exit, string Output, string Error) ReportOn(string directory)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = ReportCommand.Execute(directory, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Writes the report of <paramref name="directory"/> (asserting exit 0) and reads it as XML (the page is well-formed).</summary>
    public static XDocument Made(string directory)
    {
        var (exit, output, error) = ReportOn(directory);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Equal($"report   {Path.Combine(directory, "report.html")}\n", output.Replace("\r\n", "\n"));
        return XDocument.Load(Path.Combine(directory, "report.html"));
    }

    /// <summary>The cells of the table with this id, header row first.</summary>
    public static List<List<string>> Table(XDocument page, string id)
    {
        var table = page.Descendants("table").SingleOrDefault(t => (string?)t.Attribute("id") == id)
            ?? throw new Xunit.Sdk.XunitException($"no table '{id}' in the report");
        return table.Elements("tr").Select(tr => tr.Elements().Select(c => c.Value).ToList()).ToList();
    }

    /// <summary>The row whose first cell is <paramref name="first"/>, as column header → cell.</summary>
    public static Dictionary<string, string> Row(XDocument page, string id, string first)
    {
        var rows = Table(page, id);
        var row = rows.Skip(1).SingleOrDefault(r => r[0] == first) ?? throw new Xunit.Sdk.XunitException($"no row '{first}' in table '{id}'");
        return rows[0].Zip(row).ToDictionary(p => p.Item1, p => p.Item2);
    }

    public static List<string> SectionIds(XDocument page) => page.Descendants("h2").Select(h => (string)h.Attribute("id")!).ToList();

    public static List<string> Problems(XDocument page) =>
        page.Descendants("p").Where(p => (string?)p.Attribute("class") == "problem").Select(p => p.Value).ToList();

    public static XNamespace Svg => "http://www.w3.org/2000/svg";

    /// <summary>The captions of the figures that hold an inline SVG.</summary>
    public static List<string> Plots(XDocument page) =>
        page.Descendants("figure").Where(f => f.Element(Svg + "svg") is not null).Select(f => f.Element("figcaption")!.Value).ToList();
}
