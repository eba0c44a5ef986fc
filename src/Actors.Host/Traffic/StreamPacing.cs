using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// One source's sending rate: the generator's payload rate, or its share of the server's line rate counted on the wire
/// (frame and 20 B of preamble and gap, so 100% of 64 B frames at 10 Gb/s is 14.88 Mpps), divided among the generator's
/// sources on the server when the rate is per server.
/// </summary>
internal readonly struct StreamPacing
{
    private readonly DataRate _rate;
    private readonly bool _onWire;

    public StreamPacing(GeneratorSettings settings, int endpoint)
    {
        var stream = settings.Stream;
        var sharers = stream.Sharers(endpoint);
        _onWire = stream.LineRateShare > 0;
        _rate = _onWire ? new DataRate(Math.Max(1, (long)Math.Round(stream.LineRate.BitsPerSecond * stream.LineRateShare / sharers)))
            : sharers == 1 ? settings.Rate : new DataRate(Math.Max(1, settings.Rate.BitsPerSecond / sharers));
    }

    public long Time(int payloadBytes) => _rate.TransmitTime(_onWire ? Ethernet.WireBytes(payloadBytes) : payloadBytes);
}
