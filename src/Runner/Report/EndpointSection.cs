namespace DcSim.Runner.Report;

/// <summary>
/// endpoints.csv, for runs with VMs or containers (a run of bare servers has their figures in the server and link tables already):
/// each VM's and container's state at the end, how long it took to start, what it sent, received and lost, and its one-way latency.
/// </summary>
internal static class EndpointSection
{
    private const int Rows = 40;

    private static readonly string[] Columns =
        ["path", "kind", "state", "startup_ps", "sent_packets", "delivered_packets", "dropped_packets", "dropped_down", "latency_p50_us", "latency_p99_us"];

    public static void Write(ReportPage page, ResultFolder folder)
    {
        if (folder.Section(page, "endpoints", "VMs and containers", "endpoints.csv", Columns, t => t.Rows.Any(row => t.Text(row, "kind") != "host")) is not { } csv)
            return;
        var guests = csv.Rows.Where(row => csv.Text(row, "kind") != "host").ToList();
        page.Table("guests", ["path", "kind", "state", "startup (ms)", "sent packets", "delivered packets", "dropped packets", "dropped while down", "latency p50 (us)", "latency p99 (us)"],
            guests.Take(Rows).Select(row => (IReadOnlyList<string>)
            [
                csv.Text(row, "path"), csv.Text(row, "kind"), csv.Text(row, "state"), Startup(csv.Number(row, "startup_ps")),
                csv.Text(row, "sent_packets"), csv.Text(row, "delivered_packets"), csv.Text(row, "dropped_packets"), csv.Text(row, "dropped_down"),
                csv.Text(row, "latency_p50_us"), csv.Text(row, "latency_p99_us"),
            ]).ToList(), "path", "kind", "state");
        if (guests.Count > Rows) page.Note($"The first {Rows} of {guests.Count} VMs and containers (endpoints.csv order); endpoints.csv has them all.");
    }

    /// <summary>-1 in the file: it had not started by the end of the run.</summary>
    private static string Startup(double ps) => ps < 0 ? "not started" : ReportPage.Format(ps / 1e9);
}
