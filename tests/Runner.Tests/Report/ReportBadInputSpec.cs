using DcSim.Runner.Commands;
using Xunit;
using static DcSim.Runner.Tests.Report.ReportFixture;

namespace DcSim.Runner.Tests.Report;

/// <summary>Folders `dcsim report` cannot use (exit 2, the path and what is missing, nothing written) and files it reads only in part (said in the page).</summary>
public sealed class ReportBadInputSpec
{
    [Fact]
    public void Report_must_exit_2_naming_the_path_when_the_folder_does_not_exist()
    {
        // arrange
        var missing = Path.Combine(Fresh("missing"), "nowhere");

        // act
        var (exit, output, error) = ReportOn(missing);

        // assert
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal($"dcsim: report: {missing} does not exist\n", error.Replace("\r\n", "\n"));
        Assert.Empty(output);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Report_must_exit_2_naming_what_is_missing_when_the_folder_is_not_a_result_folder()
    {
        // arrange: a run's CSV files without its summary.json
        var dir = Golden("determinism");
        File.Delete(Path.Combine(dir, "summary.json"));

        // act
        var (exit, _, error) = ReportOn(dir);

        // assert
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{dir} is not a result folder: it has no summary.json", error);
        Assert.Contains("no sweep.csv", error);
        Assert.Equal(["cores.csv", "endpoints.csv", "flows.csv", "links.csv", "rr.csv", "series.csv", "servers.csv", "tcp-flows.csv"],
            Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Report_must_exit_2_and_leave_no_report_when_summary_json_is_not_json()
    {
        // arrange: an earlier report stays as it was
        var dir = Golden("determinism");
        File.WriteAllText(Path.Combine(dir, "report.html"), "earlier");
        File.WriteAllText(Path.Combine(dir, "summary.json"), "{\"scenario\": ");

        // act
        var (exit, _, error) = ReportOn(dir);

        // assert
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{Path.Combine(dir, "summary.json")} is not JSON", error);
        Assert.Equal("earlier", File.ReadAllText(Path.Combine(dir, "report.html")));
        Assert.False(File.Exists(Path.Combine(dir, ".report.html.partial")));
    }

    [Fact]
    public void Report_must_exit_2_naming_a_result_file_that_is_not_text()
    {
        // arrange: links.csv a link to /dev/zero (endless NUL bytes), which must not be read to the end
        var dir = Golden("determinism");
        File.Delete(Path.Combine(dir, "links.csv"));
        File.CreateSymbolicLink(Path.Combine(dir, "links.csv"), "/dev/zero");

        // act
        var (exit, _, error) = ReportOn(dir);

        // assert
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal($"dcsim: report: {Path.Combine(dir, "links.csv")}:1: contains a NUL byte: not a text result file\n", error.Replace("\r\n", "\n"));
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void Report_must_exit_2_when_given_a_file()
    {
        // arrange
        var file = Path.Combine(Golden("determinism"), "links.csv");

        // act
        var (exit, _, error) = ReportOn(file);

        // assert
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{file} is a file, not a result folder", error);
    }

    [Fact]
    public void Report_must_say_in_the_page_which_file_has_an_unexpected_header_and_show_the_other_sections()
    {
        // arrange
        var dir = Golden("determinism");
        File.WriteAllText(Path.Combine(dir, "links.csv"), "from,to,speed\nhost0,leaf0,10\n");

        // act
        var page = Made(dir);

        // assert
        var problem = Assert.Single(Problems(page));
        Assert.StartsWith("links.csv has an unexpected header: it lacks rate_bps, utilisation, queue_mean_packets, queue_max_packets, mean_wait_ns, dropped_packets (its header: from,to,speed)", problem);
        Assert.Contains("links", SectionIds(page));
        Assert.DoesNotContain(page.Descendants("table"), t => (string?)t.Attribute("id") == "links-by-utilisation");
        Assert.Equal("8.988", Row(page, "tcp-fct", "all")["slowdown p50"]);
    }

    [Fact]
    public void Report_must_name_the_line_and_column_of_a_cell_that_is_not_a_number()
    {
        // arrange: the third link's utilisation (line 4 of the file)
        var dir = Golden("determinism");
        var lines = File.ReadAllLines(Path.Combine(dir, "links.csv"));
        var cells = lines[3].Split(',');
        cells[6] = "busy";
        lines[3] = string.Join(',', cells);
        File.WriteAllLines(Path.Combine(dir, "links.csv"), lines);

        // act
        var page = Made(dir);

        // assert
        Assert.Equal(["links.csv line 4: 'busy' in column 'utilisation' is not a number"], Problems(page));
        Assert.NotNull(Row(page, "servers-cpu", "host9"));
    }

    [Fact]
    public void Report_must_leave_out_sections_whose_file_is_absent_or_has_only_its_header()
    {
        // arrange: leaf-spine-small has no TCP (tcp-flows.csv and series.csv hold only their header) and no rr
        var dir = Golden("leaf-spine-small");
        File.Delete(Path.Combine(dir, "servers.csv"));

        // act
        var page = Made(dir);

        // assert
        Assert.Equal(["summary", "links", "latency"], SectionIds(page));
        Assert.Equal("none", Row(page, "figures", "TCP completed flows")["value"]);
        Assert.Empty(Problems(page));
    }

    [Fact]
    public void Report_must_say_when_summary_json_lacks_a_field_and_write_the_rest()
    {
        // arrange: a summary without its totals
        var dir = Golden("leaf-spine-small");
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();
        summary.Remove("totals");
        File.WriteAllText(Path.Combine(dir, "summary.json"), summary.ToJsonString());

        // act
        var page = Made(dir);

        // assert
        Assert.Contains(Problems(page), p => p.StartsWith("summary.json is not as this version writes it", StringComparison.Ordinal));
        Assert.NotEmpty(Table(page, "links-by-utilisation"));
    }
}
