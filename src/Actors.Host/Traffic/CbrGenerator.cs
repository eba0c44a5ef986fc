using DcSim.ActorsHost.Endpoints;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Constant bit rate: a packet every packet-size × 8 / rate. The first packet leaves at a uniformly
/// random offset within one interval after the start, so that hosts do not send in lockstep (the
/// ns-3 peer benchmark does the same).
/// </summary>
internal sealed class CbrGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TrafficGenerator(host, localIndex, settings, destinations, seed)
{
    protected override void OnStart()
    {
        var interval = PayloadTime(Settings.PacketBytes);
        FireAt(StartTime + (long)(Rng.NextDouble() * interval));
    }

    public override void OnFire(int epoch)
    {
        if (Host.Now >= StopTime) return;
        var payload = DrawPayload();
        Emit(payload);
        FireAt(Host.Now + PayloadTime(payload));
    }
}

/// <summary>Poisson arrivals: exponential gaps with mean packet-size × 8 / rate.</summary>
internal sealed class PoissonGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TrafficGenerator(host, localIndex, settings, destinations, seed)
{
    // Set by OnStart, before the first fire: a division per packet spared.
    private double _meanGapPs;

    protected override void OnStart()
    {
        _meanGapPs = PayloadTime(Settings.PacketBytes);
        FireAt(StartTime + (long)Rng.NextExponential(_meanGapPs));
    }

    public override void OnFire(int epoch)
    {
        if (Host.Now >= StopTime) return;
        Emit(DrawPayload());
        FireAt(Host.Now + (long)Rng.NextExponential(_meanGapPs));
    }
}
