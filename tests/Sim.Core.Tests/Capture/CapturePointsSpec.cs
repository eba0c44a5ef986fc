using DcSim.SimCore.Capture;
using Xunit;

namespace DcSim.SimCore.Tests.Capture;

public sealed class CapturePointsSpec
{
    private static readonly string[] Ports = ["host0->leaf0", "host1->leaf0", "leaf0->host0", "leaf0->host1", "leaf0->spine0", "leaf0->spine1", "spine0->leaf0", "spine1->leaf0"];

    private static string[] Taken(string point) => Ports.Where(p => CapturePoints.Takes(point, p)).ToArray();

    [Fact]
    public void A_point_must_take_one_port_by_name_both_directions_by_node_and_several_by_glob()
    {
        Assert.Equal(["leaf0->host1"], Taken("leaf0->host1"));
        Assert.Equal(["host1->leaf0", "leaf0->host1"], Taken("host1"));
        Assert.Equal(["leaf0->spine0", "leaf0->spine1"], Taken("leaf0->spine*"));
        Assert.Equal(["leaf0->spine0", "spine0->leaf0"], Taken("spine0"));
        Assert.Equal(8, Taken("*").Length);
        Assert.Equal(["host0->leaf0", "host1->leaf0"], Taken("h*t*->leaf0"));
        Assert.Empty(Taken("leaf0->host"));
    }

    [Fact]
    public void A_point_that_takes_no_port_must_be_named_with_the_nearest_name()
    {
        // act
        var problems = CapturePoints.Problems(["host1", "leaf0->host7", "hots1", "nothing-like-it"], Ports).ToList();

        // assert
        Assert.Equal(["leaf0->host7", "hots1", "nothing-like-it"], problems.Select(p => p.Point));
        Assert.EndsWith("did you mean 'leaf0->host0'?", problems[0].Message);
        Assert.EndsWith("did you mean 'host1'?", problems[1].Message);
        Assert.DoesNotContain("did you mean", problems[2].Message);
    }

    [Fact]
    public void A_point_must_have_a_node_on_each_side_of_one_arrow()
    {
        Assert.Null(CaptureSettings.SyntaxProblem("leaf0->host1"));
        Assert.NotNull(CaptureSettings.SyntaxProblem(""));
        Assert.NotNull(CaptureSettings.SyntaxProblem("a->b->c"));
        Assert.NotNull(CaptureSettings.SyntaxProblem("->host1"));
        Assert.Equal("leaf0-to-host1.pcap", CapturePoints.FileName("leaf0->host1"));
    }

    [Fact]
    public void Ports_whose_switch_names_contain_to_must_each_get_a_file_of_their_own()
    {
        // arrange: switch names of letters, digits, '-' and '_', which may themselves read "-to-"
        string[] ports = ["a-to->b", "a->to-b", "a-to-b->c", "a->b-to-c", "a->b", "a-to->to-b", "leaf-top->spine_to0"];

        // act
        var files = ports.Select(CapturePoints.FileName).ToList();

        // assert
        Assert.Equal(["a-to.to.b.pcap", "a.to.to-b.pcap", "a-to-b.to.c.pcap", "a.to.b-to-c.pcap", "a-to-b.pcap", "a-to.to.to-b.pcap",
            "leaf-top-to-spine_to0.pcap"], files);
        Assert.Equal(ports.Length, files.Distinct(StringComparer.Ordinal).Count());
    }
}
