using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// iperf over TCP: at start, <see cref="TcpBulkSettings.Connections"/> connections to one destination (chosen once), each sending
/// <see cref="TcpBulkSettings.FlowBytes"/> and closing, or without a size sending as fast as TCP allows until the generator stops — then it
/// stops writing, what the send buffer holds drains, and the connection closes.
/// </summary>
internal sealed class TcpBulkGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TcpClientGenerator(host, localIndex, settings, destinations, seed)
{
    /// <summary>"Unlimited": more than any run can send (1 PB), so that the send buffer never runs dry.</summary>
    internal const long Unlimited = 1L << 50;

    private const int StartEpoch = 0, StopEpoch = 1;

    protected override void OnStart() => FireAt(StartTime, StartEpoch);

    public override void OnFire(int epoch)
    {
        if (epoch == StopEpoch)
        {
            foreach (var t in Transfers) t.Connection.StopWriting();
            return;
        }
        var destination = Destinations.Choose(Host.Address.Id, Rng);
        for (var i = 0; i < Settings.TcpBulk.Connections; i++) Open(destination, Settings.TcpBulk.FlowBytes);
        if (Settings.TcpBulk.FlowBytes == 0 && StopTime < long.MaxValue) FireAt(StopTime, StopEpoch);
    }

    public override void Connected(TcpConnection connection)
    {
        var size = Settings.TcpBulk.FlowBytes;
        connection.Write(size == 0 ? Unlimited : size);
        if (size > 0) connection.Close();
    }
}
