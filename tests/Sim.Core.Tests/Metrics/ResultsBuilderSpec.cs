using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.SimCore.Tests.Metrics;

public sealed class ResultsBuilderSpec
{
    [Fact]
    public void Named_histograms_must_merge_by_name_and_key_and_survive_the_codec()
    {
        // arrange: two partitions report the same family, one key in common
        var a = new ResultsBuilder();
        a.Histogram("completion", 0).Record(1_000_000);
        a.Histogram("completion", 2).Record(5_000_000);
        var b = new ResultsBuilder();
        b.Histogram("completion", 0).Record(3_000_000);
        b.Histogram("other", 7).Record(2_000_000);

        // act
        a.Merge(b);
        var decoded = ResultsCodec.Decode(ResultsCodec.Encode(a));

        // assert
        Assert.Equal(["completion", "other"], decoded.Histograms.Keys);
        Assert.Equal([0, 2], decoded.Histograms["completion"].Keys);
        var merged = decoded.Histograms["completion"][0];
        Assert.Equal((2, 1_000_000, 3_000_000), (merged.Count, merged.MinPs, merged.MaxPs));
        Assert.Equal(4_000_000, (long)merged.SumPs);
        Assert.Equal(1, decoded.Histograms["other"][7].Count);
        Assert.Equal(ResultsCodec.Encode(a), ResultsCodec.Encode(decoded));
    }

    [Fact]
    public void Link_counters_must_survive_the_codec()
    {
        // arrange
        var a = new ResultsBuilder();
        a.AddLink(new LinkStats
        {
            From = "leaf0", To = "host3", FromLp = 40, FromPort = 3, RateBps = 10_000_000_000, DelayPs = 1_000_000, TxPackets = 9,
            DroppedPackets = 4, DroppedBytes = 4_000, EarlyDroppedPackets = 3, EcnMarkedPackets = 5, QueueMaxPackets = 7,
        });

        // act
        var link = ResultsCodec.Decode(ResultsCodec.Encode(a)).Links.Values.Single();

        // assert
        Assert.Equal((9L, 4L, 4_000L, 3L, 5L, 7L),
            (link.TxPackets, link.DroppedPackets, link.DroppedBytes, link.EarlyDroppedPackets, link.EcnMarkedPackets, link.QueueMaxPackets));
    }
}
