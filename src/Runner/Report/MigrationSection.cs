namespace DcSim.Runner.Report;

/// <summary>
/// migrations.csv (runs with migrations only): each move with its outcome, rounds, bytes and downtime, and a timeline of the moves:
/// waiting (requested to start), pre-copy (start to the VM's stop at the source) and the stop-and-copy to the end (resumed at the
/// destination). Times in the file are seconds, -1 for a phase not reached; such a phase is not drawn, and one begun but not ended
/// (a move still going at the end of the run) is drawn to the end of the run.
/// </summary>
internal static class MigrationSection
{
    private static readonly string[] Columns =
        ["migration", "vm", "from", "to", "outcome", "requested_s", "start_s", "stop_s", "end_s", "total_s", "rounds", "total_bytes", "downtime_ms", "stop_reason", "lost_in_vnic", "dropped_at_source"];

    public static void Write(ReportPage page, ResultFolder folder, double runEndSeconds)
    {
        if (folder.Section(page, "migrations", "Migrations", "migrations.csv", Columns) is not { } csv) return;
        page.Table("migration-list", ["migration", "VM", "from", "to", "outcome", "start (s)", "end (s)", "total (s)", "rounds", "moved (MB)", "downtime (ms)", "stop reason", "packets lost"],
            csv.Rows.Select(row => (IReadOnlyList<string>)
            [
                csv.Text(row, "migration"), csv.Text(row, "vm"), csv.Text(row, "from"), csv.Text(row, "to"), csv.Text(row, "outcome"),
                csv.Text(row, "start_s"), csv.Text(row, "end_s"), csv.Text(row, "total_s"), csv.Text(row, "rounds"),
                ReportPage.Format(csv.Number(row, "total_bytes") / 1e6), csv.Text(row, "downtime_ms"), csv.Text(row, "stop_reason"),
                ReportPage.Format(csv.Number(row, "lost_in_vnic") + csv.Number(row, "dropped_at_source")),
            ]).ToList(), "VM", "from", "to", "outcome", "stop reason");
        page.Note("Packets lost: inside the unplugged vNIC and arriving at the source after the VM stopped there (docs/results.md).");

        var plot = SvgPlot.Titled("Migration timeline", "time (s)", "");
        var phases = new (string Name, string From, string To, ScottPlot.Color Color)[]
        {
            ("waiting", "requested_s", "start_s", ScottPlot.Colors.Gray),
            ("pre-copy", "start_s", "stop_s", ScottPlot.Colors.SteelBlue),
            ("stop to end: stop-and-copy or restart", "stop_s", "end_s", ScottPlot.Colors.Crimson),
        };
        var drawn = new bool[phases.Length];
        for (var i = 0; i < csv.Rows.Count; i++)
        {
            var row = csv.Rows[i];
            for (var p = 0; p < phases.Length; p++)
            {
                var (from, to) = (csv.Number(row, phases[p].From), csv.Number(row, phases[p].To));
                if (from >= 0 && to < 0 && csv.Text(row, "outcome") == "in-progress") to = runEndSeconds;
                if (from < 0 || to <= from) continue;
                var line = plot.Add.Line(from, i, to, i);
                line.LineWidth = 10;
                line.Color = phases[p].Color;
                line.MarkerSize = 0;
                if (!drawn[p]) line.LegendText = phases[p].Name;
                drawn[p] = true;
            }
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, csv.Rows.Count).Select(i => (double)i).ToArray(), csv.Rows.Select(row => $"{csv.Text(row, "vm")} {csv.Text(row, "from")}->{csv.Text(row, "to")}").ToArray());
        plot.Axes.SetLimitsY(csv.Rows.Count - 0.5, -0.5);
        plot.ShowLegend(ScottPlot.Edge.Right);
        page.Plot(plot, "Each migration's phases in simulated time (migrations.csv's requested_s, start_s, stop_s, end_s; a move still going at the end of the run is drawn to its end).", height: Math.Clamp(120 + 40 * csv.Rows.Count, 240, 900));
    }
}
