using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests;

public sealed class DataRateSpec
{
    [Theory]
    [InlineData(10_000_000_000, 84, 67_200)]      // minimum frame at 10 GbE: 67.2 ns (calibration.md §1.1)
    [InlineData(40_000_000_000, 84, 16_800)]
    [InlineData(25_000_000_000, 84, 26_880)]
    [InlineData(100_000_000_000, 84, 6_720)]
    [InlineData(1_000_000_000, 1538, 12_304_000)]
    [InlineData(100_000_000, 1000, 80_000_000)]
    public void Standard_rates_must_give_exact_serialization_times(long bps, long bytes, long expectedPs) =>
        Assert.Equal(expectedPs, new DataRate(bps).TransmitTime(bytes));

    [Fact]
    public void Rates_that_do_not_divide_a_second_must_round_up()
    {
        // 3 b/s: 8 bits take 2.666... s -> rounded up to the next picosecond
        Assert.Equal(2_666_666_666_667, new DataRate(3).TransmitTime(1));
        Assert.Equal(new DataRate(7_000_000_001).TransmitTime(1500), (long)Math.Ceiling(1500 * 8 * 1e12 / 7_000_000_001));
    }
}
