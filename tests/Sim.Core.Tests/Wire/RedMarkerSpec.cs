using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Wire;

/// <summary>
/// RED (Floyd and Jacobson 1993) against its own formulas: the EWMA and its decay over idle time, and the marking rate.
/// With the count correction p_a = p_b / (1 - count p_b) the gap between marks is uniform on 1 .. 1/p_b - 1
/// (§7 of the paper), so at a steady average the share of marked packets is 1 / E[gap] = 2 p_b.
/// </summary>
public sealed class RedMarkerSpec
{
    private static readonly DataRate Rate = new(10_000_000_000);

    private static RedMarker Marker(ulong seed, double maxProbability = 0.2, double weight = 1) =>
        new(QueueLimitUnit.Packets, new RedParameters(10, 110, maxProbability, weight), Rate, RandomStreams.Create(seed, 3, "red-0"));

    /// <summary>Share of marked ECN-capable packets over <paramref name="arrivals"/> arrivals that all find <paramref name="queue"/> waiting.</summary>
    private static double MarkedShare(RedMarker marker, long queue, int arrivals)
    {
        var marked = 0;
        for (var i = 0; i < arrivals; i++)
            if (marker.OnArrival(queue, queue * 1000, 0, i, capable: true) == EcnVerdict.Mark) marked++;
        return (double)marked / arrivals;
    }

    [Theory]
    [InlineData(5, 0.0)]      // below min: never
    [InlineData(35, 0.1)]     // p_b = 0.2 * 25 / 100 = 0.05
    [InlineData(60, 0.2)]     // p_b = 0.1
    [InlineData(110, 1.0)]    // at max: always
    public void Red_must_mark_twice_the_base_probability_at_a_steady_average(long queue, double expected)
    {
        // act: 20,000 arrivals; at p_b = 0.05 the count of marks has a standard deviation of about 25 (gap variance 30)
        var share = MarkedShare(Marker(11), queue, 20_000);

        // assert: within 5 % of 2 p_b (about 4 standard deviations); p_a = p_b alone would give half of it
        Assert.InRange(share, expected * 0.95, expected * 1.05);
    }

    [Fact]
    public void Red_must_mark_more_as_the_average_rises()
    {
        // act
        var shares = new long[] { 20, 40, 60, 80, 100 }.Select(q => MarkedShare(Marker(5), q, 5_000)).ToList();

        // assert
        Assert.Equal(shares.Order(), shares);
        Assert.True(shares[0] < shares[^1] / 4, $"shares {string.Join(", ", shares)}");
    }

    [Fact]
    public void Red_must_draw_the_same_marks_from_the_same_seed_and_other_marks_from_another()
    {
        // act
        List<EcnVerdict> Verdicts(ulong seed)
        {
            var m = Marker(seed);
            return Enumerable.Range(0, 2_000).Select(i => m.OnArrival(50, 0, 0, i, capable: i % 3 != 0)).ToList();
        }

        // assert
        Assert.Equal(Verdicts(42), Verdicts(42));
        Assert.NotEqual(Verdicts(42), Verdicts(43));
        Assert.Contains(EcnVerdict.Drop, Verdicts(42));
    }

    [Fact]
    public void Red_average_must_follow_the_EWMA_and_decay_over_the_time_the_queue_was_empty()
    {
        // arrange: w = 0.5; a full 1500 B MTU frame (1538 B of line time) takes 1,230,400 ps at 10 Gb/s
        var marker = Marker(1, weight: 0.5);
        const long typicalPs = 1538 * 8 * 100;

        // act + assert: 0 -> 50 -> 75, then empty since t = 10 and an arrival two typical transmissions later
        marker.OnArrival(100, 0, 0, 1, true);
        Assert.Equal(50, marker.Average);
        marker.OnArrival(100, 0, 0, 2, true);
        Assert.Equal(75, marker.Average);
        marker.OnArrival(0, 0, 10, 10 + 2 * typicalPs, true);
        Assert.Equal(75 * 0.25, marker.Average, 9);
        // a second arrival while still empty is an ordinary sample of 0
        marker.OnArrival(0, 0, 10, 20 + 2 * typicalPs, true);
        Assert.Equal(75 * 0.125, marker.Average, 9);
    }
}
