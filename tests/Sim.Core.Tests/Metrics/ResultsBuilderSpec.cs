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
}
