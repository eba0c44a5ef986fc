using System.Text;
using DcSim.SimCore.Metrics;
using Xunit;

namespace DcSim.SimCore.Tests.Metrics;

public sealed class ResultsCodecSpec
{
    private static ResultsBuilder Servers(int count)
    {
        var results = new ResultsBuilder();
        for (var i = 0; i < count; i++)
        {
            var c = results.Counters($"host{i}", "server");
            c["idle_exits"] = i;
            c["cores"] = 8;
            c["host_kernel_busy_ps"] = -i;
        }
        return results;
    }

    private static int Occurrences(byte[] haystack, string needle)
    {
        var bytes = Encoding.UTF8.GetBytes(needle);
        var n = 0;
        for (var i = haystack.AsSpan().IndexOf(bytes); i >= 0; n++)
        {
            var next = haystack.AsSpan(i + 1).IndexOf(bytes);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return n;
    }

    [Fact]
    public void A_counter_name_and_a_kind_must_be_written_once_however_many_components_carry_them()
    {
        // act
        var encoded = ResultsCodec.Encode(Servers(100));
        var decoded = ResultsCodec.Decode(encoded);

        // assert: the names once; every value back, a negative one too, in ordinal order
        Assert.Equal(1, Occurrences(encoded, "idle_exits"));
        Assert.Equal(1, Occurrences(encoded, "server"));
        Assert.Equal(100, decoded.Components.Count);
        Assert.Equal(["cores", "host_kernel_busy_ps", "idle_exits"], decoded.Components["host42"].Values.Keys);
        Assert.Equal((8L, -42L, 42L), (decoded.Components["host42"]["cores"], decoded.Components["host42"]["host_kernel_busy_ps"], decoded.Components["host42"]["idle_exits"]));
        Assert.Equal(encoded, ResultsCodec.Encode(decoded));
    }

    [Fact]
    public void Results_of_version_8_must_still_decode()
    {
        // arrange: what version 8 wrote for one server with two counters and nothing else (names in full, fixed-size numbers),
        // as the experiment service keeps finished experiments' counters on disk
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(8);
            w.Write(0); w.Write(0); w.Write(0); w.Write(0);   // flows, links, events by LP, histograms
            w.Write(1);
            w.Write("host1"); w.Write("server"); w.Write(2);
            w.Write("cores"); w.Write(8L);
            w.Write("idle_exits"); w.Write(3L);
            w.Write(0); w.Write(0); w.Write(0);   // series, captures, listings
        }

        // act
        var decoded = ResultsCodec.Decode(ms.ToArray());

        // assert
        var server = Assert.Single(decoded.Components.Values);
        Assert.Equal(("host1", "server", 8L, 3L), (server.Path, server.Kind, server["cores"], server["idle_exits"]));
    }

    [Fact]
    public void A_merge_must_take_components_and_flows_it_lacks_and_add_those_it_has()
    {
        // arrange
        var a = Servers(2);
        a.Flow(1).SentPackets = 5;
        var b = Servers(3);
        b.Flow(1).SentPackets = 2;
        b.Flow(2).SentPackets = 7;

        // act
        a.Merge(b);

        // assert
        Assert.Equal(3, a.Components.Count);
        Assert.Equal((2L, 2L), (a.Components["host1"]["idle_exits"], a.Components["host2"]["idle_exits"]));
        Assert.Equal((7L, 7L), (a.Flows[1].SentPackets, a.Flows[2].SentPackets));
    }
}
