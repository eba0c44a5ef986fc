using HdrHistogram;

namespace DcSim.SimCore.Metrics;

/// <summary>
/// One-way latency: an HdrHistogram in nanoseconds for percentiles, plus the exact count, sum, min
/// and max in picoseconds so that the mean and the extremes carry no bucket error.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Largest latency the histogram resolves: 100 s.</summary>
    public const long HighestTrackableNs = 100_000_000_000;

    private readonly HistogramBase _histogram;

    /// <param name="significantDigits">3 for totals (0.1 % buckets, 64-bit counts), 2 per flow (1 % buckets, 32-bit counts, ~13 KB each).</param>
    public LatencyHistogram(int significantDigits)
    {
        SignificantDigits = significantDigits;
        _histogram = significantDigits >= 3
            ? new LongHistogram(1, HighestTrackableNs, significantDigits)
            : new IntHistogram(1, HighestTrackableNs, significantDigits);
    }

    public int SignificantDigits { get; }
    public long Count { get; private set; }
    public Int128 SumPs { get; private set; }
    public long MinPs { get; private set; } = long.MaxValue;
    public long MaxPs { get; private set; }

    public void Record(long latencyPs)
    {
        _histogram.RecordValue(ToNs(latencyPs));
        Count++;
        SumPs += latencyPs;
        if (latencyPs < MinPs) MinPs = latencyPs;
        if (latencyPs > MaxPs) MaxPs = latencyPs;
    }

    public void Add(LatencyHistogram other)
    {
        foreach (var (valueNs, count) in other.Buckets()) _histogram.RecordValueWithCount(valueNs, count);
        Count += other.Count;
        SumPs += other.SumPs;
        if (other.Count > 0)
        {
            MinPs = Math.Min(MinPs, other.MinPs);
            MaxPs = Math.Max(MaxPs, other.MaxPs);
        }
    }

    /// <summary>Exact mean in picoseconds (0 when empty).</summary>
    public double MeanPs => Count == 0 ? 0 : (double)SumPs / Count;

    /// <summary>
    /// Percentile in nanoseconds: HdrHistogram's highest equivalent value of the bucket, kept within the
    /// exact min and max so that a bucket's width never puts p99.9 above the largest latency seen.
    /// </summary>
    public long PercentileNs(double percentile) => Count == 0
        ? 0
        : Math.Clamp(_histogram.GetValueAtPercentile(percentile), ToNs(MinPs), ToNs(MaxPs));

    /// <summary>The non-empty buckets as (value in ns, count), ascending: the histogram's wire form.</summary>
    public IEnumerable<(long ValueNs, long Count)> Buckets()
    {
        foreach (var v in _histogram.RecordedValues()) yield return (v.ValueIteratedTo, v.CountAtValueIteratedTo);
    }

    /// <summary>Rebuilds a histogram from its wire form (see <see cref="Buckets"/>).</summary>
    public static LatencyHistogram Restore(int significantDigits, IEnumerable<(long ValueNs, long Count)> buckets,
        long count, Int128 sumPs, long minPs, long maxPs)
    {
        var h = new LatencyHistogram(significantDigits);
        foreach (var (v, c) in buckets) h._histogram.RecordValueWithCount(v, c);
        h.Count = count;
        h.SumPs = sumPs;
        h.MinPs = minPs;
        h.MaxPs = maxPs;
        return h;
    }

    private static long ToNs(long ps) => Math.Clamp((ps + 500) / 1000, 1, HighestTrackableNs);
}
