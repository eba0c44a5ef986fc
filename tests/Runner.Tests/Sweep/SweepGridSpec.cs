using DcSim.Runner.Sweep;
using Xunit;

namespace DcSim.Runner.Tests.Sweep;

public sealed class SweepGridSpec
{
    private static SweepAxis Axis(string text) => SweepAxis.Parse(text, out var error) ?? throw new InvalidOperationException(error);

    [Fact]
    public void Points_must_be_the_cartesian_product_in_the_order_given_with_the_last_key_varying_fastest()
    {
        // arrange
        var axes = new[] { Axis("a=1,2"), Axis("b=x,y,z"), Axis("c=p,q") };

        // act
        var points = SweepGrid.Points(axes);

        // assert
        Assert.Equal(12, points.Count);
        Assert.Equal(Enumerable.Range(1, 12), points.Select(p => p.Number));
        Assert.Equal("a=1, b=x, c=p", points[0].Label);
        Assert.Equal("a=1, b=x, c=q", points[1].Label);
        Assert.Equal("a=1, b=y, c=p", points[2].Label);
        Assert.Equal("a=2, b=x, c=p", points[6].Label);
        Assert.Equal("a=2, b=z, c=q", points[11].Label);
    }

    [Fact]
    public void Folder_name_must_be_the_padded_number_then_the_settings_with_unsafe_characters_replaced()
    {
        // arrange
        var point = SweepGrid.Points([Axis("traffic.generators[0].packet-size=64B"), Axis("traffic.generators[0].hosts=\"0-3\"")])[0];

        // act, assert
        Assert.Equal("001-traffic.generators[0].packet-size=64B,traffic.generators[0].hosts=_0-3_", point.FolderName(4));
        Assert.StartsWith("0001-", point.FolderName(1000));
    }

    [Fact]
    public void Parse_must_split_values_at_commas_outside_brackets_and_quotes()
    {
        // act
        var axis = Axis("traffic.generators[0].hosts=[0,1], \"2,3\" ,4");

        // assert
        Assert.Equal("traffic.generators[0].hosts", axis.Key);
        Assert.Equal(["[0,1]", "\"2,3\"", "4"], axis.Values);
    }

    [Fact]
    public void Parse_must_read_a_named_axis_as_labels_each_setting_its_keys()
    {
        // act
        var axis = Axis("path=ovs:{servers.nic=plain; vms[0].vnic=vhost-net},sriov:{servers.nic=82599; vms[0].vnic=vf}");

        // assert
        Assert.Equal("path", axis.Key);
        Assert.Equal(["ovs", "sriov"], axis.Values);
        Assert.Equal([("servers.nic", "82599"), ("vms[0].vnic", "vf")], axis.Overrides("sriov"));
        Assert.Equal([("a", "1")], Axis("a=1,2").Overrides("1"));
        Assert.Equal(["servers.nic", "vms[0].vnic"], axis.ScenarioKeys);
        Assert.Equal(["a"], Axis("a=1,2").ScenarioKeys);
    }

    [Theory]
    [InlineData("topology.spines", "expected KEY=V1,V2")]
    [InlineData("=1,2", "expected KEY=V1,V2")]
    [InlineData("bad key=1", "'bad key' is not a key path")]
    [InlineData("a..b=1", "'a..b' is not a key path")]
    [InlineData("a=1,,2", "every value must be non-empty")]
    [InlineData("a=1,2,1", "the value '1' is given twice")]
    [InlineData("a=[1,2", "unbalanced brackets")]
    [InlineData("a=\"x", "unterminated quoted string")]
    [InlineData("path=kernel:{a.b=1},dpdk", "a named axis takes every value as LABEL:{KEY=VALUE; KEY=VALUE}")]
    [InlineData("path=kernel:{a.b}", "'a.b' is not KEY=VALUE")]
    [InlineData("path=kernel:{a=1; a=2}", "a is set twice")]
    [InlineData("path=kernel:{ }", "sets no key")]
    [InlineData("path=k:{a=1},k:{a=2}", "the value 'k' is given twice")]
    public void Parse_must_refuse_text_that_is_not_a_key_and_values(string text, string expected)
    {
        // act
        var axis = SweepAxis.Parse(text, out var error);

        // assert
        Assert.Null(axis);
        Assert.Contains(expected, error);
    }
}
