using System.Globalization;

namespace DcSim.SimCore.Units;

/// <summary>
/// Parses the unit-bearing strings of scenario files ("10Gbps", "1.5us", "64KiB", "2.5GHz") into integers.
/// Every parse either returns an exact integer or reports why it could not.
/// </summary>
public static class QuantityParser
{
    private static readonly (string Suffix, long Factor)[] TimeUnits =
    [
        ("ps", SimTime.Picosecond), ("ns", SimTime.Nanosecond), ("us", SimTime.Microsecond),
        ("µs", SimTime.Microsecond), ("ms", SimTime.Millisecond), ("s", SimTime.Second),
    ];

    private static readonly (string Suffix, long Factor)[] RateUnits =
    [
        ("Tbps", 1_000_000_000_000), ("Gbps", 1_000_000_000), ("Mbps", 1_000_000), ("Kbps", 1_000),
        ("kbps", 1_000), ("bps", 1),
    ];

    private static readonly (string Suffix, long Factor)[] SizeUnits =
    [
        ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000),
        ("KB", 1_000), ("kB", 1_000), ("B", 1),
    ];

    // Longest suffixes first: "Hz" is also the end of "GHz".
    private static readonly (string Suffix, long Factor)[] FrequencyUnits =
    [
        ("GHz", 1_000_000_000), ("MHz", 1_000_000), ("KHz", 1_000), ("kHz", 1_000), ("Hz", 1),
    ];

    public static bool TryParseTime(string text, out long picoseconds, out string error) =>
        TryParse(text, TimeUnits, "a duration such as 10us, 1.5ms or 2s", out picoseconds, out error);

    public static bool TryParseRate(string text, out DataRate rate, out string error)
    {
        var ok = TryParse(text, RateUnits, "a rate such as 100Mbps or 10Gbps", out var bps, out error);
        if (ok && bps <= 0) { ok = false; error = $"rate must be positive, got '{text}'"; }
        rate = new DataRate(bps);
        return ok;
    }

    /// <summary>A clock frequency in whole hertz ("2.5GHz", "800MHz", "3000000000Hz"); it must be greater than 0.</summary>
    public static bool TryParseFrequency(string text, out long hertz, out string error)
    {
        var ok = TryParse(text, FrequencyUnits, "a frequency such as 2.5GHz or 800MHz", out hertz, out error);
        if (ok && hertz <= 0) { ok = false; error = $"frequency must be greater than 0, got '{text}'"; }
        return ok;
    }

    public static bool TryParseSize(string text, out long bytes, out string error) =>
        TryParse(text, SizeUnits, "a size such as 1000B, 64KiB or 1MB", out bytes, out error);

    private static bool TryParse(string text, (string Suffix, long Factor)[] units, string expected,
        out long value, out string error)
    {
        value = 0;
        var trimmed = text.Trim();
        foreach (var (suffix, factor) in units)
        {
            if (!trimmed.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var number = trimmed[..^suffix.Length].Trim();
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
                break;
            // d * factor would overflow a decimal (about 7.9e28) before the check against a long below.
            var scaled = d <= long.MaxValue / factor ? d * factor : decimal.MaxValue;
            if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue)
            {
                error = $"'{text}' is not a whole number of the smallest unit or is too large";
                return false;
            }
            value = (long)scaled;
            error = "";
            return true;
        }
        error = $"expected {expected}, got '{text}'";
        return false;
    }
}
