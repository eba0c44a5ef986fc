using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Flows of a size drawn from the flow-size CDF, each on a new connection to a newly chosen destination, arriving as a Poisson process
/// whose mean gap makes the offered load the generator's rate: mean flow size × 8 / rate (HPCC's traffic_gen, calibration.md §9.1).
/// A flow completes when its server has read its last byte; its FCT runs from the connect() that opened it.
/// </summary>
internal sealed class TcpFlowsGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TcpClientGenerator(host, localIndex, settings, destinations, seed)
{
    private double MeanGapPs => Settings.FlowSizes!.Mean * 8 / Settings.Rate.BitsPerSecond * 1e12;

    protected override void OnStart() => FireAt(StartTime + (long)Rng.NextExponential(MeanGapPs));

    public override void OnFire(int epoch)
    {
        if (Host.Now >= StopTime || !Host.IsRunning) return;
        var size = Math.Max(1, Settings.FlowSizes!.Sample(Rng));
        var destination = Destinations.Choose(Host.Address.Id, Rng);
        Open(destination, size);
        FireAt(Host.Now + (long)Rng.NextExponential(MeanGapPs));
    }

    public override void Connected(TcpConnection connection)
    {
        connection.Write(SizeOf(connection));
        connection.Close();
    }
}
