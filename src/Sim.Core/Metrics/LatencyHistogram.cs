using System.Numerics;
using HdrHistogram;

namespace DcSim.SimCore.Metrics;

/// <summary>
/// One-way latency: an HdrHistogram in nanoseconds for percentiles, plus the exact count, sum, min
/// and max in picoseconds so that the mean and the extremes carry no bucket error.
/// </summary>
/// <remarks>
/// A histogram starts sparse: the non-empty buckets (each named by its lowest value, as HdrHistogram buckets them) and
/// their counts, side by side in one short ascending array. A flow's latencies fill a few dozen buckets, and the dense form costs
/// ~13 KB per flow at 2 digits (~230 KB at 3), which on 10,000 flows is most of the process and a cache miss per packet
/// (docs/benchmarks.md, "Issue 14: 10,240 hosts"). Past <see cref="SparseLimit"/> buckets it turns dense. Both forms bucket,
/// iterate and pick percentiles as HdrHistogram does, so results do not depend on the form.
///
/// A latency recorded into the sparse form finds its bucket by HdrHistogram's arithmetic done here (<see cref="BucketOf"/>), not by
/// a call into the library: that is a few instructions instead of a call and a read of a layout object per packet, and a run that
/// keeps its histograms sparse until its report no longer initializes the library's classes in its event loop (their static
/// constructor compiles a regular expression: ~0.15 s of CPU, once per process; docs/benchmarks.md, issue 14 ninth round).
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>Largest latency the histogram resolves: 100 s.</summary>
    public const long HighestTrackableNs = 100_000_000_000;

    /// <summary>Buckets the sparse form holds (2 KB of arrays) before the histogram turns dense.</summary>
    public const int SparseLimit = 128;


    private HistogramBase? _dense;
    /// <summary>
    /// The sparse buckets, ascending: each a key then its count, so that a bucket's count is in the line its key was found in, and a
    /// histogram made with room for a few (a flow's) has them right after it, where the LP's packet hint fetches them with the flow.
    /// </summary>
    private long[] _buckets;
    private int _used;

    /// <param name="significantDigits">3 for totals (0.1 % buckets, 64-bit counts), 2 per flow (1 % buckets, 32-bit counts).</param>
    /// <param name="room">Sparse buckets to make room for now (a flow's histogram: it is filled by its next packets).</param>
    public LatencyHistogram(int significantDigits, int room = 0)
    {
        SignificantDigits = significantDigits is 2 or 3 ? significantDigits : throw new ArgumentOutOfRangeException(nameof(significantDigits), significantDigits, "2 or 3");
        _buckets = room > 0 ? new long[2 * room] : [];
    }

    public int SignificantDigits { get; }
    public long Count { get; private set; }
    public Int128 SumPs { get; private set; }
    public long MinPs { get; private set; } = long.MaxValue;
    public long MaxPs { get; private set; }

    /// <summary>Whether the histogram still holds its buckets sparsely (for tests of its memory).</summary>
    public bool IsSparse => _dense is null;

    public void Record(long latencyPs)
    {
        AddToBucket(ToNs(latencyPs), 1);
        Count++;
        SumPs += latencyPs;
        if (latencyPs < MinPs) MinPs = latencyPs;
        if (latencyPs > MaxPs) MaxPs = latencyPs;
    }

    public void Add(LatencyHistogram other)
    {
        foreach (var (valueNs, count) in other.Buckets()) AddToBucket(valueNs, count);
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
        : Math.Clamp(_dense?.GetValueAtPercentile(percentile) ?? SparsePercentile(percentile), ToNs(MinPs), ToNs(MaxPs));

    /// <summary>The non-empty buckets as (value in ns, count), ascending: the histogram's wire form.</summary>
    public IEnumerable<(long ValueNs, long Count)> Buckets()
    {
        if (_dense is not null)
        {
            foreach (var v in _dense.RecordedValues()) yield return (v.ValueIteratedTo, v.CountAtValueIteratedTo);
            yield break;
        }
        var layout = LayoutOf(SignificantDigits);
        for (var i = 0; i < _used; i++) yield return (layout.HighestEquivalentValue(_buckets[2 * i]), _buckets[2 * i + 1]);
    }

    /// <summary>Rebuilds a histogram from its wire form (see <see cref="Buckets"/>).</summary>
    public static LatencyHistogram Restore(int significantDigits, IEnumerable<(long ValueNs, long Count)> buckets,
        long count, Int128 sumPs, long minPs, long maxPs)
    {
        var h = new LatencyHistogram(significantDigits);
        foreach (var (v, c) in buckets) h.AddToBucket(v, c);
        h.Count = count;
        h.SumPs = sumPs;
        h.MinPs = minPs;
        h.MaxPs = maxPs;
        return h;
    }

    private void AddToBucket(long valueNs, long count)
    {
        if (_dense is not null)
        {
            _dense.RecordValueWithCount(valueNs, count);
            return;
        }
        var key = BucketOf(valueNs);
        var at = Find(key);
        if (at >= 0)
        {
            _buckets[2 * at + 1] += count;
            return;
        }
        if (_used == SparseLimit)
        {
            TurnDense();
            _dense!.RecordValueWithCount(valueNs, count);
            return;
        }
        at = ~at;
        if (2 * _used == _buckets.Length) Array.Resize(ref _buckets, 2 * Math.Min(SparseLimit, Math.Max(4, _used * 2)));
        Array.Copy(_buckets, 2 * at, _buckets, 2 * at + 2, 2 * (_used - at));
        _buckets[2 * at] = key;
        _buckets[2 * at + 1] = count;
        _used++;
    }

    /// <summary>
    /// HdrHistogram's LowestEquivalentValue for this layout (lowest trackable value 1, so its unit magnitude is 0): a value keeps its
    /// highest <see cref="SubBucketBits"/> bits, and values below the first bucket's 2^bits are their own buckets.
    /// </summary>
    private long BucketOf(long valueNs)
    {
        var bits = SubBucketBits;
        var dropped = BitOperations.Log2((ulong)valueNs | ((1UL << bits) - 1)) + 1 - bits;
        return valueNs & (-1L << dropped);
    }

    /// <summary>HdrHistogram's sub-bucket count is the power of two at or above 2 x 10^digits: 256 at 2 digits, 2,048 at 3.</summary>
    private int SubBucketBits => SignificantDigits == 3 ? 11 : 8;

    /// <summary>As <see cref="Array.BinarySearch(Array, int, int, object)"/> over the used keys, without its comparer's calls.</summary>
    private int Find(long key)
    {
        var buckets = _buckets;
        int low = 0, high = _used - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var k = buckets[2 * middle];
            if (k == key) return middle;
            if (k < key) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    private void TurnDense()
    {
        var dense = Dense(SignificantDigits);
        for (var i = 0; i < _used; i++) dense.RecordValueWithCount(_buckets[2 * i], _buckets[2 * i + 1]);
        _dense = dense;
        (_buckets, _used) = ([], 0);
    }

    /// <summary>As <see cref="HistogramBase.GetValueAtPercentile"/>: the first bucket, in value order, whose running count reaches the rank.</summary>
    private long SparsePercentile(double percentile)
    {
        var rank = Math.Max((long)(Math.Min(percentile, 100.0) / 100.0 * Count + 0.5), 1);
        long running = 0;
        for (var i = 0; i < _used; i++)
        {
            running += _buckets[2 * i + 1];
            if (running >= rank) return LayoutOf(SignificantDigits).HighestEquivalentValue(_buckets[2 * i]);
        }
        throw new InvalidOperationException($"percentile {percentile} beyond the {Count} recorded latencies");
    }

    private static HistogramBase LayoutOf(int significantDigits) => significantDigits == 3 ? Layouts.Three : Layouts.Two;

    /// <summary>Bucketing only (never recorded into): made by the first reader of a bucket's highest value (a report, a percentile).</summary>
    private static class Layouts
    {
        public static readonly HistogramBase Two = Dense(2), Three = Dense(3);
    }

    private static HistogramBase Dense(int significantDigits) => significantDigits == 3
        ? new LongHistogram(1, HighestTrackableNs, significantDigits)
        : new IntHistogram(1, HighestTrackableNs, significantDigits);

    private static long ToNs(long ps) => Math.Clamp((ps + 500) / 1000, 1, HighestTrackableNs);
}
