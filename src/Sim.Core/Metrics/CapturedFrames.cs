namespace DcSim.SimCore.Metrics;

/// <summary>
/// What a capture point recorded: pcap records (record headers and kept bytes, no file header) of <paramref name="Captured"/>
/// frames, out of the <paramref name="Seen"/> the port transmitted (more when the capture limit cut it).
/// </summary>
public sealed record CapturedFrames(long Seen, int Captured, byte[] Records)
{
    public bool Cut => Seen > Captured;
}
