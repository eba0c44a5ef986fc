using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests;

public sealed class QuantityParserSpec
{
    [Theory]
    [InlineData("2.5GHz", 2_500_000_000)]
    [InlineData("3GHz", 3_000_000_000)]
    [InlineData("3 GHz", 3_000_000_000)]
    [InlineData("800MHz", 800_000_000)]
    [InlineData("2500.5MHz", 2_500_500_000)]
    [InlineData("1500KHz", 1_500_000)]
    [InlineData("1500kHz", 1_500_000)]
    [InlineData("100Hz", 100)]
    [InlineData("0.000000001GHz", 1)]
    [InlineData("9.2GHz", 9_200_000_000)]
    public void Frequencies_in_every_unit_are_exact_hertz(string text, long expected)
    {
        Assert.True(QuantityParser.TryParseFrequency(text, out var hz, out var error), error);
        Assert.Equal(expected, hz);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("2500000000", "expected a frequency")]    // a unit is required
    [InlineData("2.5ghz", "expected a frequency")]
    [InlineData("fast", "expected a frequency")]
    [InlineData("-2GHz", "expected a frequency")]
    [InlineData("1.5Hz", "not a whole number")]
    [InlineData("99999999999GHz", "too large")]
    [InlineData("0GHz", "greater than 0")]
    [InlineData("0Hz", "greater than 0")]
    public void Bad_frequencies_say_why(string text, string fragment)
    {
        Assert.False(QuantityParser.TryParseFrequency(text, out _, out var error));
        Assert.Contains(fragment, error);
        Assert.Contains($"'{text}'", error);
    }

    [Fact]
    public void Other_quantities_still_parse()
    {
        Assert.True(QuantityParser.TryParseTime("1.5us", out var ps, out _));
        Assert.Equal(1_500_000, ps);
        Assert.True(QuantityParser.TryParseSize("64KiB", out var bytes, out _));
        Assert.Equal(65_536, bytes);
        Assert.True(QuantityParser.TryParseRate("10Gbps", out var rate, out _));
        Assert.Equal(new DataRate(10_000_000_000), rate);
    }
}
