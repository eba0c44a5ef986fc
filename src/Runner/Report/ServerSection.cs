namespace DcSim.Runner.Report;

/// <summary>
/// servers.csv: each server's CPU utilisation in the five categories that partition its busy time (host kernel, host user, guest kernel,
/// guest user, hypervisor: docs/virtualization-costs.md), as a table of the busiest servers and as stacked bars for all of them (capped).
/// </summary>
internal static class ServerSection
{
    private const int Top = 20;
    private const int Plotted = 48;

    private static readonly (string Column, string Name)[] Categories =
    [
        ("host_kernel_cpu", "host kernel"), ("host_user_cpu", "host user"), ("guest_kernel_cpu", "guest kernel"),
        ("guest_user_cpu", "guest user"), ("hypervisor_cpu", "hypervisor"),
    ];

    public static void Write(ReportPage page, ResultFolder folder)
    {
        string[] columns = ["server", "cores", .. Categories.Select(c => c.Column), "cycles_per_packet", "vms", "containers"];
        if (folder.Section(page, "servers", "Servers: CPU by category", "servers.csv", columns) is not { } csv) return;
        var servers = csv.Rows.Select((row, index) => (Row: row, Index: index, Cpu: Categories.Select(c => csv.Number(row, c.Column)).ToArray())).ToList();
        page.Paragraph($"{servers.Count} servers; utilisation is busy time over cores × duration, by category; the total is their sum.");
        page.Table("servers-cpu", ["server", "cores", .. Categories.Select(c => c.Name), "total", "cycles per packet", "VMs", "containers"],
            servers.OrderByDescending(s => s.Cpu.Sum()).ThenBy(s => s.Index).Take(Top).Select(s => (IReadOnlyList<string>)
            [
                csv.Text(s.Row, "server"), csv.Text(s.Row, "cores"), .. Categories.Select(c => csv.Text(s.Row, c.Column)),
                ReportPage.Format(s.Cpu.Sum()), csv.Text(s.Row, "cycles_per_packet"), csv.Text(s.Row, "vms"), csv.Text(s.Row, "containers"),
            ]).ToList(), "server");
        if (servers.Count > Top) page.Note($"The {Top} busiest of {servers.Count} servers (by total utilisation); servers.csv has them all.");

        var shown = servers.Take(Plotted).ToList();
        var plot = SvgPlot.Titled("CPU utilisation by category", "", "utilisation (fraction of the cores)");
        var palette = new ScottPlot.Palettes.Category10();
        for (var c = 0; c < Categories.Length; c++)
        {
            var category = c;
            var bars = plot.Add.Bars(shown.Select((s, i) => new ScottPlot.Bar
            {
                Position = i,
                ValueBase = s.Cpu.Take(category).Sum(),
                Value = s.Cpu.Take(category + 1).Sum(),
                FillColor = palette.GetColor(category),
            }).ToList());
            bars.LegendText = Categories[c].Name;
            bars.Color = palette.GetColor(category);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            shown.Select((_, i) => (double)i).ToArray(), shown.Select(s => csv.Text(s.Row, "server")).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        page.Plot(plot, shown.Count < servers.Count
            ? $"CPU utilisation of the first {shown.Count} of {servers.Count} servers (servers.csv order), stacked by category."
            : $"CPU utilisation of the {servers.Count} servers, stacked by category (servers.csv).", height: 460);
    }
}
