using System.Globalization;
using System.Text.Json;

namespace DcSim.Runner.Sweep;

/// <summary>One headline figure of a point, read from its summary.json; null when the run has nothing to measure (no TCP flows).</summary>
internal sealed record SweepFigure(string Column, string Title, Func<JsonElement, double?> Read, bool Whole = false);

/// <summary>
/// The columns of sweep.csv after the varied keys, each read from a point's summary.json (docs/results.md lists them):
/// a sweep's table can be rebuilt from the points' folders alone, which is what lets --resume skip finished points.
/// </summary>
internal static class SweepFigures
{
    public const string Conservation = "conservation_holds";

    public static readonly IReadOnlyList<SweepFigure> All =
    [
        new("delivered_packets", "delivered packets", s => Total(s, "delivered_packets"), Whole: true),
        new("delivered_bytes", "delivered bytes", s => Total(s, "delivered_bytes"), Whole: true),
        new("throughput_gbps", "delivered Gb/s while the generators run", s => Total(s, "delivered_bytes") * 8 / Seconds(s) / 1e9),
        new("throughput_mpps", "delivered Mpps while the generators run", s => Total(s, "delivered_packets") / Seconds(s) / 1e6),
        new("dropped_packets", "dropped packets", s => Total(s, "dropped_packets"), Whole: true),
        new("latency_p50_ns", "one-way latency p50 (ns)", s => Latency(s, "p50")),
        new("latency_p99_ns", "one-way latency p99 (ns)", s => Latency(s, "p99")),
        new("host_cycles_per_packet", "host cycles per delivered packet (host kernel, host user, hypervisor)",
            s => PerPacket(s, "host_kernel", "host_user", "hypervisor")),
        new("guest_cycles_per_packet", "guest cycles per delivered packet (guest kernel and user, boots left out)", s => PerPacket(s, "guest_kernel", "guest_user") - PerPacket(s, "boot")),
        new("mean_host_kernel_cpu", "mean host kernel CPU (fraction of cores)", s => s.GetProperty("servers").GetProperty("mean_host_kernel_cpu").GetDouble()),
        new("mean_host_user_cpu", "mean host user CPU (fraction of cores)", s => s.GetProperty("servers").GetProperty("mean_host_user_cpu").GetDouble()),
        new("tcp_completed_flows", "TCP completed flows", s => Tcp(s) is { } tcp ? tcp.GetProperty("completed_flows").GetDouble() : null, Whole: true),
        new("fct_slowdown_p50", "TCP FCT slowdown p50", s => Slowdown(s, "p50")),
        new("fct_slowdown_p99", "TCP FCT slowdown p99", s => Slowdown(s, "p99")),
        new(Conservation, "conservation holds (1 = yes)", s => s.GetProperty("totals").GetProperty("conservation_holds").GetBoolean() ? 1 : 0, Whole: true),
    ];

    private static double Total(JsonElement s, string name) => s.GetProperty("totals").GetProperty(name).GetDouble();

    /// <summary>The generators' span (first start to last stop), or the duration in summaries written before it was recorded.</summary>
    private static double Seconds(JsonElement s)
    {
        var scenario = s.GetProperty("scenario");
        var span = scenario.TryGetProperty("traffic_stop_ps", out var stop)
            ? stop.GetDouble() - scenario.GetProperty("traffic_start_ps").GetDouble()
            : scenario.GetProperty("duration_ps").GetDouble();
        return Math.Max(1, span) / 1e12;
    }

    /// <summary>Null when no packet was delivered: a latency of 0 would plot as a real figure.</summary>
    private static double? Latency(JsonElement s, string percentile)
    {
        var latency = s.GetProperty("latency_ns");
        return latency.GetProperty("count").GetDouble() > 0 ? latency.GetProperty(percentile).GetDouble() : null;
    }

    /// <summary>Cycles of the categories over every server per delivered packet; null when nothing was delivered.</summary>
    private static double? PerPacket(JsonElement s, params string[] categories)
    {
        var delivered = Total(s, "delivered_packets");
        if (delivered == 0 || !s.GetProperty("servers").TryGetProperty("cycles", out var cycles)) return null;
        return categories.Sum(c => cycles.GetProperty(c).GetDouble()) / delivered;
    }

    private static JsonElement? Tcp(JsonElement s) =>
        s.TryGetProperty("tcp", out var tcp) && tcp.GetProperty("connections").GetInt64() > 0 ? tcp : null;

    private static double? Slowdown(JsonElement s, string percentile) =>
        Tcp(s) is { } tcp && tcp.GetProperty("fct_slowdown").GetProperty("all") is var all && all.GetProperty("flows").GetInt64() > 0
            ? all.GetProperty(percentile).GetDouble()
            : null;

    /// <summary>Every figure of one summary.json, in column order.</summary>
    public static double?[] Read(string summaryJson)
    {
        using var document = JsonDocument.Parse(summaryJson);
        return All.Select(f => f.Read(document.RootElement)).ToArray();
    }

    /// <summary>A figure as sweep.csv writes it: whole numbers plainly, others to at most 6 decimal places; empty for none.</summary>
    public static string Format(SweepFigure figure, double? value) =>
        value is not { } v ? "" : figure.Whole ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.######", CultureInfo.InvariantCulture);
}
