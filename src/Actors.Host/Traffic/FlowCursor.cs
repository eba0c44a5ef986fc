using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Cuts one generator's packet stream into flows: without a flow-size CDF the whole stream is one
/// flow to one destination; with one, each flow gets a size from the CDF and a new destination. A flow is
/// UDP from port 1024 + (flow number mod 60,000) to port 5000 + generator index (a NATed container's published port for it); its headers and their
/// 5-tuple hash are made once, when it opens. With more than one concurrent flow (<see cref="StreamSettings.ConcurrentFlows"/>) each
/// packet takes a uniformly drawn source port among that many from 1024, as a packet generator's random source ports do: a
/// flow cache sees that many 5-tuples, the results one flow.
/// </summary>
/// <remarks>
/// A struct contained by its generator (a field, changed in place): the packet a generator sends is cut from the object it
/// already has in cache, not from one more on a large fabric where every host's state is cold (docs/benchmarks.md).
/// </remarks>
internal struct FlowCursor(EndpointStack endpoint, GeneratorSettings settings, DestinationChooser destinations, Rng rng)
{
    // The endpoint's id, read by every packet: an endpoint's address never changes.
    private readonly int _self = endpoint.Address.Id;
    private long _flowNumber = -1;
    private long _remaining;
    private int _sequence;
    private int _destination = -1;
    private long _flowId;
    private PacketHeaders _headers;
    private uint _hash;

    /// <summary>Whether this endpoint sends at all (an incast target does not send to itself).</summary>
    public readonly bool HasDestination => destinations.CanSend(_self);

    /// <summary>The current flow's destination endpoint (-1 before the first packet).</summary>
    public readonly int Destination => _destination;

    /// <summary>Builds the next packet of at most <paramref name="payloadBytes"/>, opening a new flow when needed.</summary>
    public Packet Next(int payloadBytes, long now, AppKind kind)
    {
        if (_flowNumber < 0 || _remaining == 0) OpenFlow();
        var size = (int)Math.Min(payloadBytes, _remaining);
        _remaining -= size;
        var (headers, hash) = (_headers, _hash);
        if (settings.Stream.ConcurrentFlows > 1)
        {
            headers.SourcePort = (ushort)(1024 + rng.NextInt(settings.Stream.ConcurrentFlows));
            hash = headers.FlowHash();
        }
        return new Packet
        {
            FlowId = _flowId, CreatedAt = now, Headers = headers, SourceEndpoint = _self, DestinationEndpoint = _destination,
            PayloadBytes = size, FlowHash = hash, Sequence = _sequence++,
            App = new AppData { Kind = (byte)kind, EndOfMessage = _remaining == 0 },
        };
    }

    private void OpenFlow()
    {
        _flowNumber++;
        _sequence = 0;
        _remaining = settings.FlowSizes?.Sample(rng) ?? long.MaxValue;
        var self = endpoint.Address;
        if (_destination < 0 || settings.FlowSizes is not null) _destination = destinations.Choose(self.Id, rng);
        _flowId = FlowIds.Make(self.Id, settings.Index, _flowNumber);
        var (to, port) = endpoint.Reach(_destination, (ushort)(5000 + settings.Index));
        _headers = UdpHeaders(self, to, (ushort)(1024 + _flowNumber % 60_000), port);
        _hash = _headers.FlowHash();
    }

    internal static PacketHeaders UdpHeaders(EndpointAddress source, EndpointAddress destination, ushort sourcePort, ushort destinationPort) => new()
    {
        SourceMac = source.Mac, DestinationMac = destination.Mac, SourceIp = source.Ipv4, DestinationIp = destination.Ipv4,
        SourcePort = sourcePort, DestinationPort = destinationPort, Protocol = PacketHeaders.Udp,
    };
}
