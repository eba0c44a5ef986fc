namespace DcSim.SimCore.Metrics;

/// <summary>
/// The packets one place (a vSwitch, a bridge, a NAT, a vCPU's queue) dropped, per flow, added to the flows'
/// results under the place's name at the end of the run, so that every drop is counted where it happened.
/// </summary>
public sealed class DropLedger(string location)
{
    private readonly Dictionary<long, (long Packets, long Bytes)> _drops = new();

    /// <summary>How the results name this place ("host3:vswitch").</summary>
    public string Location { get; } = location;

    public long Packets { get; private set; }

    public void Drop(long flowId, int payloadBytes)
    {
        var d = _drops.GetValueOrDefault(flowId);
        _drops[flowId] = (d.Packets + 1, d.Bytes + payloadBytes);
        Packets++;
    }

    public void Report(ResultsBuilder results)
    {
        foreach (var (flowId, (packets, bytes)) in _drops)
        {
            var f = results.Flow(flowId);
            f.DroppedPackets += packets;
            f.DroppedBytes += bytes;
            f.DropsAt[Location] = f.DropsAt.GetValueOrDefault(Location) + packets;
        }
    }
}
