using DcSim.SimCore.Scenario;

namespace DcSim.SimCore.Capture;

/// <summary>
/// Which output ports write a pcap file (<see cref="CapturePoints"/> says how a point names ports) and how many frames each keeps
/// at most: the scenario's <c>pcap</c> section, or `dcsim run --pcap POINTS [--pcap-limit N]`.
/// </summary>
public sealed record CaptureSettings(IReadOnlyList<string> Points, int Limit)
{
    /// <summary>reference.conf's pcap.limit: 100,000 frames of at most 144 B (record header and 128 B kept) is 14 MB per point.</summary>
    public const int DefaultLimit = 100_000;

    /// <summary>
    /// The most frames a port keeps: a port's file is one stream of at most 144 B a frame, which must stay under 2 GiB, and each
    /// checkpoint copies the frames kept so far.
    /// </summary>
    public const int MaxLimit = 10_000_000;

    public static readonly CaptureSettings None = new([], DefaultLimit);

    public bool Enabled => Points.Count > 0;

    /// <summary>By content: settings read twice from the same text are equal.</summary>
    public bool Equals(CaptureSettings? other) => other is not null && Limit == other.Limit && Points.SequenceEqual(other.Points);

    public override int GetHashCode() => HashCode.Combine(Limit, Points.Count);

    /// <summary>Why <paramref name="point"/> cannot name ports whatever the topology, or null.</summary>
    public static string? SyntaxProblem(string point)
    {
        if (point.Length == 0) return "a capture point is empty; write FROM->TO (leaf0->host3) or a node (host3)";
        var parts = point.Split(CapturePoints.Arrow);
        if (parts.Length > 2) return $"'{point}' has more than one '{CapturePoints.Arrow}'; a point is FROM->TO or a node";
        if (parts.Any(p => p.Length == 0)) return $"'{point}' lacks a node on one side of '{CapturePoints.Arrow}'";
        return null;
    }

    /// <summary>The <c>pcap</c> section: <c>points</c>, a list of capture points, and <c>limit</c>; null after reporting a problem.</summary>
    public static CaptureSettings? Read(ScenarioSection pcap)
    {
        var limitOk = pcap.TryInt("limit", 1, MaxLimit, out var limit);
        var (value, fromFile) = pcap.Get("points");
        var kind = HoconValues.KindOf(value);
        if (kind == HoconKind.Empty) return limitOk ? new CaptureSettings([], limit) : null;
        if (kind != HoconKind.List)
        {
            pcap.Report("points", fromFile, $"expected a list of capture points such as [\"host3->leaf0\", leaf1], found {HoconValues.Describe(value)}");
            return null;
        }
        var points = new List<string>();
        var elements = HoconValues.Elements(value);
        var ok = limitOk;
        for (var i = 0; i < elements.Count; i++)
        {
            var text = HoconValues.KindOf(elements[i]) == HoconKind.Scalar ? HoconValues.Text(elements[i]).Trim() : null;
            var problem = text is null ? $"expected a capture point, found {HoconValues.Describe(elements[i])}" : SyntaxProblem(text);
            ok &= pcap.Check(problem is null, $"points[{i}]", fromFile, problem ?? "");
            if (text is not null && !points.Contains(text)) points.Add(text);
        }
        return ok ? new CaptureSettings(points, limit) : null;
    }

    /// <summary>The section as the resolved scenario writes it; only for a run that captures, so other runs' resolved text is unchanged.</summary>
    public ResolvedHocon Resolved() => new()
    {
        ["points"] = $"[{string.Join(", ", Points.Select(ScenarioHoconWriter.Quote))}]",
        ["limit"] = ScenarioHoconWriter.Int(Limit),
    };
}
