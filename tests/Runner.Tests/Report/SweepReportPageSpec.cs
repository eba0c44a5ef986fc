using DcSim.Runner.Sweep;
using Xunit;
using static DcSim.Runner.Tests.Report.ReportFixture;

namespace DcSim.Runner.Tests.Report;

/// <summary>`dcsim report` on a sweep's folder: its table with links to the points' reports (written too), and its figures inline.</summary>
public sealed class SweepReportPageSpec
{
    /// <summary>A sweep folder of two points whose results are two golden runs, and its sweep.csv rebuilt from them as `dcsim sweep` does.</summary>
    private static string SweepFolderOfTwo()
    {
        var dir = Fresh("sweep");
        var first = Golden("leaf-spine-small", Path.Combine(dir, "points", "001-topology.host-link.rate=10Gbps"));
        var second = Golden("determinism", Path.Combine(dir, "points", "002-topology.host-link.rate=25Gbps"));
        var axis = new SweepAxis("topology.host-link.rate", ["10Gbps", "25Gbps"]);
        var table = new SweepTable([axis],
        [
            (new SweepPoint(1, [(axis.Key, "10Gbps")]), SweepFigures.Read(File.ReadAllText(Path.Combine(first, "summary.json")))),
            (new SweepPoint(2, [(axis.Key, "25Gbps")]), SweepFigures.Read(File.ReadAllText(Path.Combine(second, "summary.json")))),
        ]);
        File.WriteAllText(Path.Combine(dir, SweepFolder.Csv), table.Csv());
        return dir;
    }

    [Fact]
    public void Report_must_show_the_sweep_table_and_link_each_points_report()
    {
        // arrange
        var dir = SweepFolderOfTwo();

        // act
        var page = Made(dir);

        // assert
        var rows = Table(page, "sweep");
        Assert.Equal(["point", "topology.host-link.rate", .. SweepFigures.All.Select(f => f.Column)], rows[0]);
        Assert.Equal("25Gbps", Row(page, "sweep", "2")["topology.host-link.rate"]);
        Assert.Equal("2103", Row(page, "sweep", "2")["dropped_packets"]);
        var links = page.Descendants("a").Select(a => (string)a.Attribute("href")!).Where(h => !h.StartsWith('#')).ToList();
        Assert.Equal(["points/001-topology.host-link.rate%3D10Gbps/report.html", "points/002-topology.host-link.rate%3D25Gbps/report.html"], links);
        var point = System.Xml.Linq.XDocument.Load(Path.Combine(dir, "points", "002-topology.host-link.rate=25Gbps", "report.html"));
        Assert.Equal("determinism", Row(point, "run", "scenario")["value"]);
        Assert.Contains(Plots(page), p => p == "throughput_gbps against topology.host-link.rate (sweep.csv).");
        Assert.Contains(Plots(page), p => p.StartsWith("fct_slowdown_p50", StringComparison.Ordinal));
        Assert.Empty(Problems(page));
    }

    [Fact]
    public void Report_must_be_byte_identical_for_a_sweep_when_made_twice()
    {
        // arrange
        var dir = SweepFolderOfTwo();

        // act
        Made(dir);
        var first = File.ReadAllBytes(Path.Combine(dir, "report.html"));
        Made(dir);

        // assert
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void Report_must_say_when_sweep_csv_has_an_unexpected_header()
    {
        // arrange
        var dir = Fresh("sweep-header");
        File.WriteAllText(Path.Combine(dir, SweepFolder.Csv), "n,rate,gbps\n1,10Gbps,3\n");

        // act
        var page = Made(dir);

        // assert
        Assert.StartsWith("sweep.csv has an unexpected header: it should be point, the varied keys, then the figures", Assert.Single(Problems(page)));
    }
}
