using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using DcSim.Runner.Hosting;
using Xunit;

namespace DcSim.Runner.Tests.Hosting;

/// <summary>
/// Akka's duration regex, swapped for the same pattern interpreted (<see cref="AkkaDurationRegex"/>): Akka must still read every
/// form of duration its configuration uses to the same value, and the swap must have happened (this Akka has the field).
/// </summary>
public sealed class AkkaDurationRegexSpec
{
    [Fact]
    public void Akka_durations_must_read_alike_with_the_interpreted_regex()
    {
        // act
        AkkaDurationRegex.UseInterpreted();
        AkkaDurationRegex.UseInterpreted();
        var config = ConfigurationFactory.ParseString("""
            a = 250ms
            b = 2s
            c = 10 seconds
            d = 3 minutes
            e = 1.5h
            f = 100 microseconds
            g = 7 d
            h = 5000
            """);

        // assert: the field holds an interpreted regex, and each form reads to its value
        var field = typeof(HoconValue).GetField("TimeSpanRegex", BindingFlags.Static | BindingFlags.NonPublic);
        var regex = Assert.IsAssignableFrom<Regex>(field?.GetValue(null));
        Assert.Equal(RegexOptions.None, regex.Options & RegexOptions.Compiled);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("a"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("b"));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetTimeSpan("c"));
        Assert.Equal(TimeSpan.FromMinutes(3), config.GetTimeSpan("d"));
        Assert.Equal(TimeSpan.FromHours(1.5), config.GetTimeSpan("e"));
        Assert.Equal(TimeSpan.FromMicroseconds(100), config.GetTimeSpan("f"));
        Assert.Equal(TimeSpan.FromDays(7), config.GetTimeSpan("g"));
        Assert.Equal(TimeSpan.FromMilliseconds(5000), config.GetTimeSpan("h"));
    }
}
