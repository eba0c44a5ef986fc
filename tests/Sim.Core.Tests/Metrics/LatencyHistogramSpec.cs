using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Metrics;
using HdrHistogram;
using Xunit;

namespace DcSim.SimCore.Tests.Metrics;

/// <summary>
/// The sparse form of a histogram must give what HdrHistogram's dense one gives for the same latencies — buckets, percentiles,
/// merges — so that result files do not depend on the form; and it must stay small while a flow fills few buckets.
/// </summary>
public sealed class LatencyHistogramSpec
{
    private static readonly double[] Percentiles = [0, 1, 10, 50, 90, 99, 99.9, 100];

    [Theory]
    [InlineData(2, 40, 6_000_000, 500_000)] // a flow across a quiet fabric: a few dozen buckets
    [InlineData(2, 5_000, 20_000_000, 15_000_000)] // a spread past the sparse limit: the histogram turns dense
    [InlineData(3, 300, 1_000_000_000, 900_000_000)] // request completion times, 3 digits
    public void Sparse_and_turned_dense_histograms_must_bucket_and_rank_as_HdrHistogram_does(int digits, int samples, long centrePs, long spreadPs)
    {
        // arrange: the same latencies into ours and into a plain HdrHistogram of the same layout
        var random = new Random(7);
        var ours = new LatencyHistogram(digits);
        HistogramBase dense = digits == 3 ? new LongHistogram(1, LatencyHistogram.HighestTrackableNs, 3) : new IntHistogram(1, LatencyHistogram.HighestTrackableNs, 2);
        var latencies = Enumerable.Range(0, samples).Select(_ => centrePs - spreadPs + random.NextInt64(2 * spreadPs)).ToArray();

        // act
        foreach (var ps in latencies)
        {
            ours.Record(ps);
            dense.RecordValue(Math.Max(1, (ps + 500) / 1000));
        }

        // assert: the wire form is HdrHistogram's recorded values, and each percentile its bucket's (within the exact extremes)
        Assert.Equal(dense.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo)), ours.Buckets());
        var (minNs, maxNs) = ((latencies.Min() + 500) / 1000, (latencies.Max() + 500) / 1000);
        foreach (var p in Percentiles) Assert.Equal(Math.Clamp(dense.GetValueAtPercentile(p), minNs, maxNs), ours.PercentileNs(p));
        Assert.Equal(samples, ours.Count);
    }

    [Fact]
    public void A_flow_of_few_buckets_must_stay_sparse_and_one_past_the_limit_must_turn_dense()
    {
        // arrange: 10,000 latencies between 6 and 7 us fill 32 buckets of 32 ns at 2 digits
        var few = new LatencyHistogram(2);
        for (var i = 0; i < 10_000; i++) few.Record(6_000_000 + i % 1_000 * 1_000);
        var many = new LatencyHistogram(2);

        // act: a bucket per 1 us from 1 us on (1 % buckets are at most 1 us wide below 100 us) is one per sample
        for (var i = 1; i <= LatencyHistogram.SparseLimit + 1; i++) many.Record(i * 1_000_000L);

        // assert
        Assert.True(few.IsSparse);
        Assert.Equal(32, few.Buckets().Count());
        Assert.False(many.IsSparse);
        Assert.Equal(LatencyHistogram.SparseLimit + 1, many.Buckets().Count());
    }

    [Fact]
    public void Merging_a_sparse_into_a_dense_histogram_and_back_must_give_the_same_result()
    {
        // arrange: one sparse, one dense histogram
        var sparse = new LatencyHistogram(2);
        var dense = new LatencyHistogram(2);
        for (var i = 0; i < 50; i++) sparse.Record(5_000_000 + i * 7_000);
        for (var i = 0; i < 1_000; i++) dense.Record(1_000_000 + i * 97_000);

        // act
        var a = new LatencyHistogram(2);
        a.Add(sparse);
        a.Add(dense);
        var b = new LatencyHistogram(2);
        b.Add(dense);
        b.Add(sparse);

        // assert
        Assert.True(sparse.IsSparse);
        Assert.False(dense.IsSparse);
        Assert.Equal(a.Buckets(), b.Buckets());
        Assert.Equal(1_050, a.Buckets().Sum(x => x.Count));
        foreach (var p in Percentiles) Assert.Equal(a.PercentileNs(p), b.PercentileNs(p));
    }

    [Fact]
    public void A_sparse_histogram_must_survive_a_checkpoint()
    {
        // arrange
        var h = new LatencyHistogram(2);
        for (var i = 0; i < 20; i++) h.Record(3_000_000 + i * 11_000);

        // act
        using var stream = new MemoryStream();
        ObjectGraphWriter.Write(h, stream);
        stream.Position = 0;
        var restored = (LatencyHistogram)ObjectGraphReader.Read(stream);
        restored.Record(3_500_000);
        h.Record(3_500_000);

        // assert
        Assert.Equal(h.Buckets(), restored.Buckets());
        Assert.Equal((h.Count, h.MinPs, h.MaxPs, h.PercentileNs(50)), (restored.Count, restored.MinPs, restored.MaxPs, restored.PercentileNs(50)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_latency_must_fall_in_the_bucket_HdrHistogram_gives_it(int digits)
    {
        // arrange: each power of two and its neighbours, and log-uniform values up to the highest trackable, one at a time
        HistogramBase dense = digits == 3 ? new LongHistogram(1, LatencyHistogram.HighestTrackableNs, 3) : new IntHistogram(1, LatencyHistogram.HighestTrackableNs, 2);
        var random = new Random(11);
        var valuesNs = Enumerable.Range(0, 37).SelectMany(b => new[] { (1L << b) - 1, 1L << b, (1L << b) + 1 })
            .Concat(Enumerable.Range(0, 20_000).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(LatencyHistogram.HighestTrackableNs))))
            .Where(ns => ns is >= 1 and <= LatencyHistogram.HighestTrackableNs);

        foreach (var ns in valuesNs)
        {
            // act
            var ours = new LatencyHistogram(digits);
            ours.Record(ns * 1000);
            dense.Reset();
            dense.RecordValue(ns);

            // assert
            Assert.Equal(dense.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo)), ours.Buckets());
        }
    }
}
