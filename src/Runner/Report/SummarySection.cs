using System.Globalization;
using System.Text.Json;
using DcSim.Runner.Sweep;

namespace DcSim.Runner.Report;

/// <summary>
/// The run at a glance, from summary.json: the scenario (name, seed, duration, fabric), what was sent and where it went, the headline
/// figures a sweep tabulates (throughput, latency, CPU, FCT: <see cref="SweepFigures"/>, so the two reports say the same), and the
/// places that dropped most. The wall time of a run is not in its result files (they depend only on the scenario and the seed), so
/// the report has none either.
/// </summary>
internal static class SummarySection
{
    private const int DropPlaces = 15;

    public static void Write(ReportPage page, JsonElement summary)
    {
        page.Section("summary", "Summary");
        var scenario = summary.GetProperty("scenario");
        var totals = summary.GetProperty("totals");
        var rows = new List<IReadOnlyList<string>>
        {
            Row("scenario", scenario.GetProperty("name").GetString() ?? ""),
            Row("seed", Raw(scenario, "seed")),
            Row("duration (ms)", ReportPage.Format(scenario.GetProperty("duration_ps").GetDouble() / 1e9)),
            Row("hosts", $"{Raw(scenario, "hosts")} ({Raw(scenario, "leaves")} leaves, {Raw(scenario, "spines")} spines)"),
        };
        if (scenario.TryGetProperty("traffic_start_ps", out var start) && scenario.TryGetProperty("traffic_stop_ps", out var stop))
            rows.Add(Row("traffic (ms)", $"{ReportPage.Format(start.GetDouble() / 1e9)} to {ReportPage.Format(stop.GetDouble() / 1e9)}"));
        foreach (var name in (string[])["events_processed", "flows", "sent_packets", "delivered_packets", "dropped_packets", "in_flight_packets", "sent_bytes", "delivered_bytes", "dropped_bytes", "link_transmissions"])
            rows.Add(Row(name.Replace('_', ' '), Raw(totals, name)));
        rows.Add(Row("conservation holds", totals.GetProperty("conservation_holds").GetBoolean() ? "yes" : "NO"));
        page.Table("run", ["", "value"], rows, "", "value");

        page.Heading("Headline figures");
        page.Table("figures", ["figure", "column in sweep.csv", "value"],
            SweepFigures.All.Select(f => (IReadOnlyList<string>)[f.Title, f.Column, Figure(f, summary)]), "figure", "column in sweep.csv");

        var drops = summary.GetProperty("drops_by_location").EnumerateObject()
            .Select(p => (Place: p.Name, Packets: p.Value.GetInt64()))
            .OrderByDescending(d => d.Packets).ThenBy(d => d.Place, StringComparer.Ordinal).ToList();
        if (drops.Count == 0) return;
        var all = drops.Sum(d => d.Packets);
        page.Heading("Where packets were dropped");
        page.Table("drops-by-place", ["place", "dropped packets", "share of drops"],
            drops.Take(DropPlaces).Select(d => (IReadOnlyList<string>)[d.Place, d.Packets.ToString(CultureInfo.InvariantCulture), ReportPage.Format((double)d.Packets / all)]), "place");
        if (drops.Count > DropPlaces) page.Note($"The {DropPlaces} places that dropped most of {drops.Count}; summary.json's drops_by_location has them all.");
    }

    /// <summary>A headline figure as sweep.csv writes it, or "none" when the run has nothing to measure (no TCP, nothing delivered).</summary>
    private static string Figure(SweepFigure figure, JsonElement summary) => figure.Read(summary) is { } value ? SweepFigures.Format(figure, value) : "none";

    /// <summary>A number as summary.json has it, digit for digit.</summary>
    private static string Raw(JsonElement e, string name) => e.GetProperty(name).GetRawText();

    private static IReadOnlyList<string> Row(string name, string value) => [name, value];
}
