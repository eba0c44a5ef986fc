using DcSim.SimCore.Scenario;

namespace DcSim.SimCore.Capture;

/// <summary>
/// How capture points name output ports. A port is named as links.csv names it, <c>FROM-&gt;TO</c> (<c>leaf0-&gt;host3</c>). A point
/// <c>A-&gt;B</c> takes the ports from A to B; a point without an arrow, <c>host3</c>, the ports from or to that node (both
/// directions of a host's link); <c>*</c> in a name stands for any characters (<c>leaf0-&gt;spine*</c>, <c>host*</c>). Every
/// point must take at least one port: one that takes none is a mistake, reported with the nearest port or node name.
/// </summary>
public static class CapturePoints
{
    public const string Arrow = "->";

    /// <summary>Whether the port <paramref name="port"/> (FROM-&gt;TO) is one of those <paramref name="point"/> names.</summary>
    public static bool Takes(string point, string port)
    {
        var arrow = port.IndexOf(Arrow, StringComparison.Ordinal);
        var (from, to) = (port[..arrow], port[(arrow + Arrow.Length)..]);
        var pointArrow = point.IndexOf(Arrow, StringComparison.Ordinal);
        return pointArrow < 0
            ? Glob(point, from) || Glob(point, to)
            : Glob(point[..pointArrow], from) && Glob(point[(pointArrow + Arrow.Length)..], to);
    }

    /// <summary>Whether any of <paramref name="points"/> takes <paramref name="port"/>.</summary>
    public static bool AnyTakes(IReadOnlyList<string> points, string port)
    {
        foreach (var point in points)
            if (Takes(point, port)) return true;
        return false;
    }

    /// <summary>One message per point that takes none of <paramref name="ports"/>, with the nearest name when one is near.</summary>
    public static IEnumerable<(string Point, string Message)> Problems(IReadOnlyList<string> points, IReadOnlyCollection<string> ports)
    {
        foreach (var point in points)
        {
            if (ports.Any(port => Takes(point, port))) continue;
            var nodes = ports.SelectMany(p => p.Split(Arrow)).Distinct(StringComparer.Ordinal);
            var near = ScenarioSuggestions.Closest(point, point.Contains(Arrow, StringComparison.Ordinal) ? ports : nodes);
            yield return (point, $"no port is '{point}' (ports are named FROM->TO as in links.csv, e.g. '{ports.First()}', or by a node for both directions)"
                + (near is null ? "" : $"; did you mean '{near}'?"));
        }
    }

    /// <summary>
    /// The file a port's frames go to, under the results' pcap folder: <c>leaf0-&gt;host3</c> is <c>leaf0-to-host3.pcap</c>. Switch names
    /// may contain "-to" themselves (<c>a-to-&gt;b</c> and <c>a-&gt;to-b</c> would both be <c>a-to-to-b</c>): a name in which "-to-" is not
    /// found exactly once, where the arrow was, is written FROM.to.TO instead ('.' is in no node name). No two ports share a file.
    /// </summary>
    public static string FileName(string port)
    {
        var name = port.Replace(Arrow, "-to-", StringComparison.Ordinal);
        var first = name.IndexOf("-to-", StringComparison.Ordinal);
        return (name.IndexOf("-to-", first + 1, StringComparison.Ordinal) < 0 ? name : port.Replace(Arrow, ".to.", StringComparison.Ordinal)) + ".pcap";
    }

    /// <summary>A name with '*' for any run of characters, matched whole and case-sensitively.</summary>
    private static bool Glob(string pattern, string name)
    {
        if (!pattern.Contains('*')) return pattern == name;
        var parts = pattern.Split('*');
        if (!name.StartsWith(parts[0], StringComparison.Ordinal) || !name.EndsWith(parts[^1], StringComparison.Ordinal)
            || name.Length < parts[0].Length + parts[^1].Length) return false;
        var at = parts[0].Length;
        var end = name.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = name.IndexOf(parts[i], at, end - at, StringComparison.Ordinal);
            if (found < 0) return false;
            at = found + parts[i].Length;
        }
        return true;
    }
}
