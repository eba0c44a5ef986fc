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

    [Fact]
    public void Captures_must_merge_by_port_and_survive_the_codec_compressed()
    {
        // arrange: two partitions, one captured port each; 10,000 records of mostly zeros
        var records = new byte[10_000 * 80];
        for (var i = 0; i < records.Length; i += 80) records[i] = (byte)i;
        var a = new ResultsBuilder();
        a.Captures.Add("leaf0->host1", new CapturedFrames(12_000, 10_000, records));
        var b = new ResultsBuilder();
        b.Captures.Add("host1->leaf0", new CapturedFrames(3, 3, [1, 2, 3]));

        // act
        a.Merge(b);
        var encoded = ResultsCodec.Encode(a);
        var decoded = ResultsCodec.Decode(encoded);

        // assert
        Assert.Equal(["host1->leaf0", "leaf0->host1"], decoded.Captures.Keys);
        Assert.Equal(records, decoded.Captures["leaf0->host1"].Records);
        Assert.Equal((12_000L, 10_000, true), (decoded.Captures["leaf0->host1"].Seen, decoded.Captures["leaf0->host1"].Captured, decoded.Captures["leaf0->host1"].Cut));
        Assert.Equal([1, 2, 3], decoded.Captures["host1->leaf0"].Records);
        Assert.True(encoded.Length < records.Length / 10, $"{encoded.Length} B encoded");
    }
}
