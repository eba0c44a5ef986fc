namespace DcSim.SimCore.Units;

/// <summary>A link or traffic rate in bits per second.</summary>
public readonly record struct DataRate(long BitsPerSecond)
{
    /// <summary>
    /// Time to put <paramref name="bytes"/> on the wire, rounded up to a whole picosecond so that
    /// a transmission never finishes early (exact for 1/10/25/40/100 Gb/s).
    /// </summary>
    public long TransmitTime(long bytes)
    {
        var bits = (Int128)bytes * 8 * SimTime.Second;
        var ps = (bits + BitsPerSecond - 1) / BitsPerSecond;
        return (long)ps;
    }

    public override string ToString() => BitsPerSecond switch
    {
        >= 1_000_000_000 when BitsPerSecond % 1_000_000_000 == 0 => $"{BitsPerSecond / 1_000_000_000}Gbps",
        >= 1_000_000 when BitsPerSecond % 1_000_000 == 0 => $"{BitsPerSecond / 1_000_000}Mbps",
        >= 1_000 when BitsPerSecond % 1_000 == 0 => $"{BitsPerSecond / 1_000}Kbps",
        _ => $"{BitsPerSecond}bps",
    };
}
