using System.Text;

namespace DcSim.Runner.Sweep;

/// <summary>One point of a sweep: its 1-based number and the value of each axis, in the axes' order.</summary>
internal sealed record SweepPoint(int Number, IReadOnlyList<(string Key, string Value)> Settings)
{
    /// <summary>"topology.host-link.rate=25Gbps, tcp.congestion-control=cubic".</summary>
    public string Label => string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}"));

    /// <summary>
    /// The point's folder under points/: its number, zero-padded to the grid's width so folders sort in grid order, then
    /// KEY=VALUE pairs joined by ',' with characters unsafe in a file name replaced by '_' (the number keeps names unique).
    /// </summary>
    public string FolderName(int pointCount)
    {
        var width = Math.Max(3, pointCount.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var name = new StringBuilder(Number.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0')).Append('-');
        foreach (var c in string.Join(",", Settings.Select(s => $"{s.Key}={s.Value}")))
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '=' or ',' or '[' or ']' or '+' ? c : '_');
        // Well within the 255 bytes of a file name, however many keys the grid has.
        return name.Length <= 120 ? name.ToString() : name.ToString(0, 120);
    }
}

/// <summary>The points of a sweep: the cartesian product of its axes, in the order given, the last axis varying fastest.</summary>
internal static class SweepGrid
{
    public static IReadOnlyList<SweepPoint> Points(IReadOnlyList<SweepAxis> axes)
    {
        IEnumerable<IReadOnlyList<(string, string)>> combinations = [[]];
        foreach (var axis in axes)
            combinations = combinations.SelectMany(prefix => axis.Values.Select(v => (IReadOnlyList<(string, string)>)[.. prefix, (axis.Key, v)])).ToList();
        return combinations.Select((settings, i) => new SweepPoint(i + 1, settings)).ToList();
    }
}
