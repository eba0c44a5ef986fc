using DcSim.SimCore.Randomness;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// An empirical flow-size distribution: points (size in bytes, cumulative probability), read from a
/// text file with one "bytes probability" pair per line (the HPCC traffic_gen format, calibration.md §9.1;
/// probabilities may be given in percent or as fractions). Sampling interpolates linearly between points.
/// </summary>
public sealed class FlowSizeCdf
{
    /// <summary>The largest flow size a CDF may give, 1 PB: far above any real flow, far below a long.</summary>
    public const double MaxBytes = 1e15;

    private readonly double[] _sizes;
    private readonly double[] _probabilities;

    public FlowSizeCdf(string source, IReadOnlyList<(double Bytes, double Probability)> points)
    {
        Source = source;
        if (points.Count < 2) throw new FormatException($"{source}: a CDF needs at least two points");
        // double.Parse reads "NaN" and "Infinity", NaN passes every comparison below, and a size beyond a long
        // would be drawn as 1 byte.
        for (var i = 0; i < points.Count; i++)
        {
            if (!double.IsFinite(points[i].Probability) || !(points[i].Bytes <= MaxBytes))
                throw new FormatException($"{source}: point {i + 1} ({points[i].Bytes} B, {points[i].Probability}) must be finite numbers, sizes at most {MaxBytes:0} B");
        }
        _sizes = points.Select(p => p.Bytes).ToArray();
        _probabilities = points.Select(p => p.Probability).ToArray();
        var scale = _probabilities[^1];
        if (Math.Abs(scale - 100) < 1e-9) for (var i = 0; i < _probabilities.Length; i++) _probabilities[i] /= 100;
        else if (Math.Abs(scale - 1) > 1e-9) throw new FormatException($"{source}: the last probability must be 1 (or 100 %), got {scale}");
        for (var i = 1; i < _sizes.Length; i++)
        {
            if (_sizes[i] < _sizes[i - 1] || _probabilities[i] < _probabilities[i - 1])
                throw new FormatException($"{source}: point {i + 1} ({_sizes[i]} B, {_probabilities[i]}) is not monotone");
        }
        if (_sizes[0] < 0 || _probabilities[0] < 0) throw new FormatException($"{source}: sizes and probabilities must not be negative");
    }

    public string Source { get; }

    /// <summary>Draws a flow size in bytes, at least 1.</summary>
    public long Sample(Rng rng)
    {
        var u = rng.NextDouble();
        var i = Array.BinarySearch(_probabilities, u);
        if (i < 0) i = ~i;
        if (i == 0) return Math.Max(1, (long)Math.Round(_sizes[0]));
        if (i >= _sizes.Length) return Math.Max(1, (long)Math.Round(_sizes[^1]));
        var p0 = _probabilities[i - 1];
        var p1 = _probabilities[i];
        var s = p1 > p0 ? _sizes[i - 1] + (_sizes[i] - _sizes[i - 1]) * (u - p0) / (p1 - p0) : _sizes[i];
        return Math.Max(1, (long)Math.Round(s));
    }

    /// <summary>Mean size of the interpolated distribution, in bytes.</summary>
    public double Mean
    {
        get
        {
            var mean = _sizes[0] * _probabilities[0];
            for (var i = 1; i < _sizes.Length; i++) mean += (_probabilities[i] - _probabilities[i - 1]) * (_sizes[i] + _sizes[i - 1]) / 2;
            return mean;
        }
    }

    /// <summary>Parses the text of a CDF file; errors name the file and the line.</summary>
    public static FlowSizeCdf Parse(string source, string text)
    {
        var points = new List<(double, double)>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2
                || !double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
                || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p))
                throw new FormatException($"{source}:{lineNo}: expected 'bytes probability', got '{raw.Trim()}'");
            points.Add((bytes, p));
        }
        return new FlowSizeCdf(source, points);
    }
}
