using System.Text.Json;

namespace DcSim.Runner.Report;

/// <summary>
/// The report of one run's folder: the summary from summary.json, then a section per result file that has rows. A section that cannot
/// read its file (a missing column, a cell that is not a number, a summary.json without a field it needs) says so where it would have
/// been, and the other sections are written as usual.
/// </summary>
internal static class RunReport
{
    private static readonly Action<ReportPage, ResultFolder, JsonElement>[] Sections =
    [
        (page, _, summary) => SummarySection.Write(page, summary),
        (page, folder, _) => LinkSection.Write(page, folder),
        (page, folder, _) => ServerSection.Write(page, folder),
        (page, folder, _) => EndpointSection.Write(page, folder),
        (page, _, summary) => LatencySection.WriteHistograms(page, summary),
        (page, folder, _) => LatencySection.WriteRoundTrips(page, folder),
        (page, folder, _) => TcpSection.Write(page, folder),
        (page, folder, summary) => MigrationSection.Write(page, folder, summary.GetProperty("scenario").GetProperty("duration_ps").GetDouble() / 1e12),
        (page, folder, _) => SeriesSection.Write(page, folder),
    ];

    public static string Html(ResultFolder folder)
    {
        using var summary = folder.Summary();
        var root = summary.RootElement;
        var name = root.TryGetProperty("scenario", out var scenario) && scenario.TryGetProperty("name", out var n) ? n.GetString() : null;
        var page = new ReportPage($"dcsim run: {name ?? Path.GetFileName(folder.Directory)}");
        page.Note("From the result files in this folder (docs/results.md describes them); made by `dcsim report`.");
        foreach (var section in Sections)
        {
            try
            {
                section(page, folder, root);
            }
            catch (ReportDataException ex)
            {
                page.Problem(ex.Message);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // JsonElement's accessors: a property summary.json lacks, or one of another type than the files of this version write.
                page.Problem($"{ResultFolder.SummaryFile} is not as this version writes it: {ex.Message}");
            }
        }
        return page.Html();
    }
}
