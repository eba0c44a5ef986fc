using Xunit;
using static DcSim.Runner.Tests.Report.ReportFixture;

namespace DcSim.Runner.Tests.Report;

/// <summary>migrations.csv in the report: a table of the moves and their downtime, and their timeline.</summary>
public sealed class MigrationReportSpec
{
    /// <summary>The columns `dcsim run` writes (docs/results.md); a completed pre-copy move, and one that did not finish.</summary>
    private const string Migrations =
        "migration,vm,from,to,outcome,requested_s,start_s,stop_s,end_s,total_s,rounds,precopy_bytes,stop_copy_bytes,total_bytes,downtime_ms,stop_reason,"
        + "lost_in_vnic,dropped_at_source,forwarded_from_source,packets_before,latency_p50_us_before,latency_p99_us_before,packets_during,"
        + "latency_p50_us_during,latency_p99_us_during,packets_after,latency_p50_us_after,latency_p99_us_after\n"
        + "0,vm-0,host0,host1,completed,0.1,0.1,0.912642,0.912653,0.812653,3,1073741824,2500000,1076241824,0.010134,few-dirty-pages,2,5,1,10,20,30,1,40,40,8,21,31\n"
        + "1,vm-1,host2,host3,in-progress,0.5,0.6,-1,-1,-1,1,52428800,0,52428800,0,,0,0,0,0,0,0,0,0,0,0,0,0\n";

    [Fact]
    public void Report_must_show_each_migration_with_its_downtime_and_its_timeline()
    {
        // arrange
        var dir = Golden("leaf-spine-small");
        File.WriteAllText(Path.Combine(dir, "migrations.csv"), Migrations);

        // act
        var page = Made(dir);

        // assert
        Assert.Contains("migrations", SectionIds(page));
        var done = Row(page, "migration-list", "0");
        Assert.Equal("vm-0", done["VM"]);
        Assert.Equal("0.010134", done["downtime (ms)"]);
        Assert.Equal("1076.2", done["moved (MB)"]);
        Assert.Equal("7", done["packets lost"]);
        Assert.Equal("few-dirty-pages", done["stop reason"]);
        Assert.Equal("in-progress", Row(page, "migration-list", "1")["outcome"]);
        Assert.Contains(Plots(page), p => p.StartsWith("Each migration's phases", StringComparison.Ordinal));
        Assert.Empty(Problems(page));
    }
}
