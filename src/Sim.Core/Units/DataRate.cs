namespace DcSim.SimCore.Units;

/// <summary>A link or traffic rate in bits per second.</summary>
public readonly record struct DataRate
{
    public DataRate(long bitsPerSecond)
    {
        BitsPerSecond = bitsPerSecond;
        // Every standard rate divides 1 s in ps exactly (10 Gb/s: 100 ps per bit): then the hot path is one multiply.
        PicosecondsPerBit = bitsPerSecond > 0 && SimTime.Second % bitsPerSecond == 0 ? SimTime.Second / bitsPerSecond : 0;
    }

    public long BitsPerSecond { get; }

    /// <summary>Exact picoseconds per bit, or 0 when the rate does not divide a second evenly.</summary>
    private long PicosecondsPerBit { get; }

    /// <summary>
    /// Time to put <paramref name="bytes"/> on the wire, rounded up to a whole picosecond so that
    /// a transmission never finishes early (exact for 1/10/25/40/100 Gb/s).
    /// </summary>
    public long TransmitTime(long bytes)
    {
        if (PicosecondsPerBit != 0) return bytes * 8 * PicosecondsPerBit;
        return UnevenTransmitTime(bytes, BitsPerSecond);
    }

    /// <summary>
    /// Apart from <see cref="TransmitTime"/> because it computes in <see cref="Int128"/>, which ReadyToRun does not precompile: a
    /// method using it is JIT-compiled at its first call (0.2-4.7 ms, on the way to a run's first window), standard rates never call this.
    /// </summary>
    private static long UnevenTransmitTime(long bytes, long bitsPerSecond)
    {
        var bits = (Int128)bytes * 8 * SimTime.Second;
        return (long)((bits + bitsPerSecond - 1) / bitsPerSecond);
    }

    public override string ToString() => BitsPerSecond switch
    {
        >= 1_000_000_000 when BitsPerSecond % 1_000_000_000 == 0 => $"{BitsPerSecond / 1_000_000_000}Gbps",
        >= 1_000_000 when BitsPerSecond % 1_000_000 == 0 => $"{BitsPerSecond / 1_000_000}Mbps",
        >= 1_000 when BitsPerSecond % 1_000 == 0 => $"{BitsPerSecond / 1_000}Kbps",
        _ => $"{BitsPerSecond}bps",
    };
}
