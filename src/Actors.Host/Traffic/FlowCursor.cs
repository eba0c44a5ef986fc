using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Cuts one generator's packet stream into flows: without a flow-size CDF the whole stream is one
/// flow to one destination; with one, each flow gets a size from the CDF and a new destination.
/// </summary>
internal sealed class FlowCursor(int host, GeneratorSettings settings, DestinationChooser destinations, Rng rng)
{
    private long _flowNumber = -1;
    private long _remaining;
    private int _sequence;

    public long FlowId { get; private set; }
    public int Destination { get; private set; } = -1;
    public uint FlowHash { get; private set; }

    /// <summary>Whether this host sends at all (an incast target does not send to itself).</summary>
    public bool HasDestination => destinations.CanSend(host);

    /// <summary>Builds the next packet of at most <paramref name="payloadBytes"/>, opening a new flow when needed.</summary>
    public Packet Next(int payloadBytes, long now, PacketType type)
    {
        if (_flowNumber < 0 || _remaining == 0) OpenFlow();
        var size = (int)Math.Min(payloadBytes, _remaining);
        _remaining -= size;
        return new Packet
        {
            FlowId = FlowId, CreatedAt = now, SourceHost = host, DestinationHost = Destination,
            PayloadBytes = size, FlowHash = FlowHash, Sequence = _sequence++, Type = type,
            LastOfMessage = _remaining == 0,
        };
    }

    private void OpenFlow()
    {
        _flowNumber++;
        _sequence = 0;
        _remaining = settings.FlowSizes?.Sample(rng) ?? long.MaxValue;
        if (Destination < 0 || settings.FlowSizes is not null) Destination = destinations.Choose(host, rng);
        FlowId = FlowIds.Make(host, settings.Index, _flowNumber);
        FlowHash = FiveTupleHash(host, Destination, sourcePort: 1024 + (int)(_flowNumber % 60_000), destinationPort: 5000 + settings.Index);
    }

    /// <summary>Hash of (10.0.0.0/8 address of each host, UDP, ports): what a switch's ECMP sees.</summary>
    internal static uint FiveTupleHash(int source, int destination, int sourcePort, int destinationPort)
    {
        var h = 2166136261u;
        foreach (var v in (ReadOnlySpan<uint>)[(uint)(0x0A000000 | source), (uint)(0x0A000000 | destination), 17u, (uint)sourcePort, (uint)destinationPort])
        {
            h = (h ^ v) * 16777619u;
            h ^= h >> 13;
        }
        return h;
    }
}
