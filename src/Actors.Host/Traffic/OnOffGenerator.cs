using DcSim.ActorsHost.Endpoints;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// On/off source: constant bit rate during "on" periods, silent during "off" periods; period lengths
/// are fixed or exponential. Each "on" period bumps an epoch so that a packet timer left over from
/// the previous period is recognised and ignored.
/// </summary>
internal sealed class OnOffGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TrafficGenerator(host, localIndex, settings, destinations, seed)
{
    private int _epoch;
    private bool _on;

    protected override void OnStart() => ToggleAt(StartTime, 0);

    public override void OnToggle(int epoch)
    {
        if (Host.Now >= StopTime) return;
        _on = !_on;
        _epoch++;
        var period = Draw(_on ? Settings.OnOff.OnPs : Settings.OnOff.OffPs);
        ToggleAt(Host.Now + period, _epoch);
        if (_on) FireAt(Host.Now, _epoch);
    }

    public override void OnFire(int epoch)
    {
        if (!_on || epoch != _epoch || Host.Now >= StopTime) return;
        var payload = DrawPayload();
        Emit(payload);
        FireAt(Host.Now + PayloadTime(payload), _epoch);
    }

    private long Draw(long mean) => Settings.OnOff.Periods == PeriodDistribution.Exponential
        ? Math.Max(1, (long)Rng.NextExponential(mean))
        : mean;
}

/// <summary>
/// Client side of request/response: Poisson requests (mean gap request-size × 8 / rate), one packet
/// each; the server side lives in the endpoint's stack (<see cref="ResponseServer"/>).
/// </summary>
internal sealed class RequestGenerator(EndpointStack host, int localIndex, GeneratorSettings settings, DestinationChooser destinations, ulong seed)
    : TrafficGenerator(host, localIndex, settings, destinations, seed)
{
    private double MeanGapPs => (double)PayloadTime(Settings.RequestResponse.RequestBytes);

    protected override void OnStart() => FireAt(StartTime + (long)Rng.NextExponential(MeanGapPs));

    public override void OnFire(int epoch)
    {
        if (Host.Now >= StopTime) return;
        Emit(Settings.RequestResponse.RequestBytes, AppKind.Request);
        FireAt(Host.Now + (long)Rng.NextExponential(MeanGapPs));
    }
}
