using System.Globalization;
using System.Text.Json;
using DcSim.SimCore.Units;
using Spectre.Console;

namespace DcSim.Runner.Shell;

/// <summary>The shell's answers as text, Mininet's wording where Mininet has one. Numbers are invariant and exact: a replay prints the same.</summary>
internal static class ShellFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Time(long ps) => SimTime.Format(ps);

    public static string Micros(double ps) => (ps / SimTime.Microsecond).ToString("0.000", Invariant);

    /// <summary>One ping's counters (sent, received, rtt_min_ps, rtt_max_ps, rtt_sum_ps) as Mininet-like lines.</summary>
    public static string Ping(string source, string target, string path, long at, IReadOnlyDictionary<string, long> c, long now)
    {
        var sent = c.GetValueOrDefault("sent");
        var received = c.GetValueOrDefault("received");
        var loss = sent == 0 ? 0 : 100 * (sent - received) / sent;
        var lines = $"PING {source} -> {target} ({path}) at t={Time(at)}: {sent} sent, {received} received, {loss}% packet loss (held at t={Time(now)})";
        return received == 0 ? lines
            : lines + $"\nrtt min/avg/max = {Micros(c["rtt_min_ps"])}/{Micros(c["rtt_sum_ps"] / (double)received)}/{Micros(c["rtt_max_ps"])} us";
    }

    /// <summary>Mininet's pingall matrix: each server and those it reached (X where not), the drop rate, and the RTTs.</summary>
    public static string PingAll(IReadOnlyList<string> servers, IReadOnlyDictionary<(string, string), IReadOnlyDictionary<string, long>> results, long at)
    {
        var lines = new List<string> { $"*** Ping: testing ping reachability (t={Time(at)})" };
        long sent = 0, received = 0, min = long.MaxValue, max = 0, sum = 0;
        foreach (var source in servers)
        {
            var row = servers.Where(t => t != source).Select(target =>
            {
                var c = results[(source, target)];
                sent += c.GetValueOrDefault("sent");
                received += c.GetValueOrDefault("received");
                if (c.GetValueOrDefault("received") == 0) return "X";
                min = Math.Min(min, c["rtt_min_ps"]);
                max = Math.Max(max, c["rtt_max_ps"]);
                sum += c["rtt_sum_ps"];
                return target;
            });
            lines.Add($"{source} -> {string.Join(' ', row)}");
        }
        var dropped = sent == 0 ? 0 : 100 * (sent - received) / sent;
        lines.Add($"*** Results: {dropped}% dropped ({received}/{sent} received)");
        if (received > 0) lines.Add($"*** RTT min/avg/max = {Micros(min)}/{Micros(sum / (double)received)}/{Micros(max)} us");
        return string.Join('\n', lines);
    }

    /// <summary>An iperf's counters (bytes_acked, start_ps, end_ps) as Mininet's two lines, the throughput over the simulated interval.</summary>
    public static string Iperf(string source, string target, string path, long duration, IReadOnlyDictionary<string, long> c)
    {
        var (bytes, start, end) = (c.GetValueOrDefault("bytes_acked"), c.GetValueOrDefault("start_ps"), c.GetValueOrDefault("end_ps"));
        var gbps = end > start ? bytes * 8.0 / SimTime.ToSeconds(end - start) / 1e9 : 0;
        return $"*** Iperf: testing TCP bandwidth between {source} and {target} for {Time(duration)} ({path})\n"
            + $"*** Results: ['{gbps.ToString("0.00", Invariant)} Gbits/sec'] ({bytes} bytes acked from t={Time(start)} to t={Time(end)})";
    }

    /// <summary>The switches by tier and the servers (GET topology).</summary>
    public static string Nodes(JsonElement topology)
    {
        var lines = new List<string> { $"*** {topology.GetProperty("description").GetString()}" };
        foreach (var tier in topology.GetProperty("switches").EnumerateArray().GroupBy(s => s.GetProperty("tier").GetString()))
            lines.Add($"{tier.Key}: {string.Join(' ', tier.Select(s => s.GetProperty("name").GetString()))}");
        lines.Add($"servers: {string.Join(' ', Names(topology, "servers"))}");
        return string.Join('\n', lines);
    }

    public static IEnumerable<string> Names(JsonElement topology, string what) =>
        topology.GetProperty(what).EnumerateArray().Select(s => s.GetProperty("name").GetString()!);

    /// <summary>Each link once (GET topology) with the packets each way so far (GET links).</summary>
    public static string Links(JsonElement topology, JsonElement live)
    {
        var sent = live.GetProperty("links").EnumerateArray()
            .ToDictionary(l => (l.GetProperty("from").GetString()!, l.GetProperty("to").GetString()!), l => l.GetProperty("tx_packets").GetInt64());
        return string.Join('\n', topology.GetProperty("links").EnumerateArray().Select(l =>
        {
            var (a, b) = (l.GetProperty("a").GetString()!, l.GetProperty("b").GetString()!);
            var rate = l.GetProperty("rate_bps").GetInt64() / 1e9;
            return $"{a}<->{b} ({rate.ToString("0.###", Invariant)} Gbit/s, {Time(l.GetProperty("delay_ps").GetInt64())}, queue {l.GetProperty("queue").GetString()}): "
                + $"{sent.GetValueOrDefault((a, b))} packets ->, {sent.GetValueOrDefault((b, a))} packets <-";
        }));
    }

    /// <summary>The counters of every component (GET entities/PATH): the path and kind, then each counter on its own line.</summary>
    public static string Dump(JsonElement entities)
    {
        var lines = new List<string> { $"*** {entities.GetProperty("path").GetString()} at t={Time(entities.GetProperty("simulated_time_ps").GetInt64())}" };
        foreach (var component in entities.GetProperty("components").EnumerateObject())
        {
            lines.Add($"{component.Name} ({component.Value.GetProperty("kind").GetString()})");
            var counters = component.Value.GetProperty("counters").EnumerateObject().ToList();
            var width = counters.Count == 0 ? 0 : counters.Max(c => c.Name.Length);
            lines.AddRange(counters.Select(c => $"  {c.Name.PadRight(width)}  {c.Value.GetInt64().ToString(Invariant),20}"));
        }
        return string.Join('\n', lines);
    }

    /// <summary>The same as <see cref="Dump"/>, as a table for the terminal: a row per counter, under its component.</summary>
    public static Table DumpTable(JsonElement entities)
    {
        var table = new Table().Title($"{entities.GetProperty("path").GetString()} at t={Time(entities.GetProperty("simulated_time_ps").GetInt64())}")
            .AddColumn("component").AddColumn("kind").AddColumn("counter").AddColumn(new TableColumn("value").RightAligned());
        foreach (var component in entities.GetProperty("components").EnumerateObject())
        {
            var kind = component.Value.GetProperty("kind").GetString()!;
            foreach (var c in component.Value.GetProperty("counters").EnumerateObject())
                table.AddRow(Markup.Escape(component.Name), Markup.Escape(kind), Markup.Escape(c.Name), c.Value.GetInt64().ToString("N0", Invariant));
        }
        return table;
    }

    /// <summary>
    /// The listing <paramref name="name"/> of the component at <paramref name="path"/> (GET entities/PATH?listings=true), called
    /// <paramref name="what"/>: a line saying what it is and when, then its lines as the real tool prints them, then how many were left
    /// out, if any.
    /// </summary>
    public static string Listing(JsonElement entities, string path, string name, string what)
    {
        var component = entities.GetProperty("components").GetProperty(path);
        if (!component.TryGetProperty("listings", out var listings) || !listings.TryGetProperty(name, out var listing))
            throw new ShellException($"{path} ({component.GetProperty("kind").GetString()}) keeps no {what}");
        var lines = listing.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        var total = listing.GetProperty("total").GetInt64();
        var leftOut = listing.GetProperty("left_out").GetInt64();
        var text = new List<string> { $"*** {path} at t={Time(listing.GetProperty("at_ps").GetInt64())}: {total} {what}" };
        text.AddRange(lines);
        if (leftOut > 0) text.Add($"*** {leftOut} more not shown (the first {lines.Count} of {total})");
        return string.Join('\n', text);
    }

    /// <summary>A component's counters from an entities answer.</summary>
    public static IReadOnlyDictionary<string, long> Counters(JsonElement entities, string path) =>
        entities.GetProperty("components").GetProperty(path).GetProperty("counters").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetInt64());
}
