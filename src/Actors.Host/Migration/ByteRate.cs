using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Rates of memory, in bytes per second, written as a size per second: <c>100MB/s</c>, <c>128MiB/s</c>, <c>0B/s</c> (any
/// size unit: B, KB, KiB, MB, MiB, GB, GiB). Memory is counted in bytes, as QEMU's max-bandwidth and the dirty rates
/// of the literature are; a bit rate (<c>800Mbps</c>, the unit of links) or <c>100MBps</c>, one letter's case away from
/// a rate 8 times smaller, is refused with the byte rate to write instead.
/// </summary>
internal static class ByteRate
{
    private const string PerSecond = "/s";

    /// <summary>Reads <paramref name="text"/> (the value of <paramref name="key"/>) as at least <paramref name="min"/> bytes per second.</summary>
    public static bool TryRead(ScenarioSection s, string key, string text, long min, out long bytesPerSecond)
    {
        bytesPerSecond = 0;
        var fromFile = s.Get(key).FromFile;
        if (text.EndsWith(PerSecond, StringComparison.Ordinal) && QuantityParser.TryParseSize(text[..^PerSecond.Length], out bytesPerSecond, out _))
        {
            // Kept below long.MaxValue / 8 so that the rate in bits (DataRate) cannot overflow.
            if (bytesPerSecond > long.MaxValue / 8) return s.Check(false, key, fromFile, $"'{text}' is too large");
            return s.Check(bytesPerSecond >= min, key, fromFile, $"must be {(min > 0 ? "greater than 0" : "at least 0B/s")}, got '{text}'");
        }
        var hint = QuantityParser.TryParseRate(text, out var bits, out _)
            ? $"; '{text}' is a rate in bits per second: in bytes it is {Format(bits.BitsPerSecond / 8)}"
            : text.EndsWith("Bps", StringComparison.Ordinal) ? $"; write {text[..^3]}B/s" : "";
        s.Report(key, fromFile, $"expected bytes per second, a size per second such as 100MB/s or 128MiB/s, got '{text}'{hint}");
        return false;
    }

    /// <summary>The canonical text of a byte rate, read back to the same value: 100MB/s, 128MiB/s, 0B/s.</summary>
    public static string Format(long bytesPerSecond) => ScenarioHoconWriter.Size(bytesPerSecond) + PerSecond;
}
