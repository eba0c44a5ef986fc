namespace DcSim.SimCore.Units;

/// <summary>
/// Virtual time is a plain <see cref="long"/> count of picoseconds. Picoseconds make every
/// Ethernet serialization time at 1/10/25/40/100 Gb/s an exact integer (84 B at 10 Gb/s is
/// 67,200 ps), and 2^63 ps is about 106 days of simulated time.
/// </summary>
public static class SimTime
{
    public const long Picosecond = 1;
    public const long Nanosecond = 1_000;
    public const long Microsecond = 1_000_000;
    public const long Millisecond = 1_000_000_000;
    public const long Second = 1_000_000_000_000;

    /// <summary>A time past every event of any run; used as "no pending event".</summary>
    public const long Never = long.MaxValue;

    public static double ToSeconds(long ps) => ps / (double)Second;
    public static double ToMicroseconds(long ps) => ps / (double)Microsecond;

    /// <summary>Formats with the largest unit that keeps the value at or above 1.</summary>
    public static string Format(long ps) => ps switch
    {
        >= Second => $"{ps / (double)Second:0.######}s",
        >= Millisecond => $"{ps / (double)Millisecond:0.######}ms",
        >= Microsecond => $"{ps / (double)Microsecond:0.######}us",
        >= Nanosecond => $"{ps / (double)Nanosecond:0.###}ns",
        _ => $"{ps}ps",
    };
}
