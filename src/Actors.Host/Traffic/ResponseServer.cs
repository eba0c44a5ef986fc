using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Shell;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Server side of request/response and udp-rr generators on one endpoint: after a service time it answers each
/// request with a response sent back to back — for request-response, response-size bytes cut into packets of the
/// generator's packet size after a fixed or exponential service time (drawn from this endpoint's own stream); for
/// udp-rr, one datagram of response-size after a fixed service time; for the shell's ping, an echo of the request at once.
/// </summary>
/// <remarks>
/// A response answers the request as it arrived, the way a UDP server replies to recvfrom's address: its headers
/// are the request's with source and destination swapped (to the request's source MAC, IP and port, from this
/// endpoint's MAC and IP and the port the request was sent to). Behind a NAT that rewrote the request's source,
/// the response goes to the address the server saw, and the NAT maps it back. The responses to one request flow
/// form one response flow.
/// </remarks>
internal sealed class ResponseServer(IEndpoint endpoint, IReadOnlyList<GeneratorSettings> generators, ulong seed)
{
    private readonly Rng _rng = RandomStreams.Create(seed, endpoint.Address.Id, "server");
    /// <summary>Response flow id and next sequence number, by request flow id.</summary>
    private readonly Dictionary<long, (long FlowId, int Sequence)> _flows = new();
    private long _nextFlowNumber;

    /// <summary>Service time for a request of generator <paramref name="generator"/>.</summary>
    public long ServiceTime(int generator)
    {
        if (generator == ShellApplications.Ping) return 0;   // an echo is the kernel's, at once
        var settings = generators[generator];
        if (settings.Kind == GeneratorKind.UdpRr) return settings.UdpRr.ServiceTimePs;
        var rr = settings.RequestResponse;
        return rr.ServiceDistribution == PeriodDistribution.Exponential
            ? (long)_rng.NextExponential(rr.ServiceTimePs)
            : rr.ServiceTimePs;
    }

    /// <summary>The response packets for <paramref name="request"/>, in sending order.</summary>
    public IEnumerable<Packet> Respond(in Packet request, long now)
    {
        var generator = FlowIds.Application(request.FlowId);
        var (total, packetBytes) = generator == ShellApplications.Ping ? (request.PayloadBytes, request.PayloadBytes) : ResponseSize(generators[generator]);
        var self = endpoint.Address;
        if (!_flows.TryGetValue(request.FlowId, out var flow))
            flow = (FlowIds.Make(self.Id, ResponseGeneratorId(generator), _nextFlowNumber++), 0);
        var headers = Reply(request.Headers, self);
        var hash = headers.FlowHash();
        var packets = new List<Packet>();
        for (var left = total; left > 0;)
        {
            var size = (int)Math.Min(packetBytes, left);
            left -= size;
            packets.Add(new Packet
            {
                FlowId = flow.FlowId, CreatedAt = now, Headers = headers, SourceEndpoint = self.Id, DestinationEndpoint = request.SourceEndpoint,
                PayloadBytes = size, FlowHash = hash, Sequence = flow.Sequence++,
                App = new AppData { Kind = (byte)AppKind.Response, EndOfMessage = left == 0, Stamp = request.CreatedAt },
            });
        }
        _flows[request.FlowId] = flow;
        return packets;
    }

    /// <summary>The bytes of one response and the largest packet they are cut into.</summary>
    private (long Total, int PacketBytes) ResponseSize(GeneratorSettings settings) => settings.Kind == GeneratorKind.UdpRr
        ? (settings.UdpRr.ResponseBytes, settings.UdpRr.ResponseBytes)
        : (settings.RequestResponse.ResponseSizes?.Sample(_rng) ?? settings.RequestResponse.ResponseBytes, settings.PacketBytes);

    /// <summary>The headers of a reply to <paramref name="request"/> sent from <paramref name="self"/>: addresses and ports swapped.</summary>
    internal static PacketHeaders Reply(in PacketHeaders request, EndpointAddress self) => new()
    {
        SourceMac = self.Mac, DestinationMac = request.SourceMac, SourceIp = self.Ipv4, DestinationIp = request.SourceIp,
        SourcePort = request.DestinationPort, DestinationPort = request.SourcePort, Protocol = request.Protocol,
    };

    /// <summary>Responses get their own generator number space (128 + client generator) in flow ids.</summary>
    public static int ResponseGeneratorId(int generator) => 128 + generator;

    /// <summary>The generator whose request a response (flow <paramref name="responseFlowId"/>) answers.</summary>
    public static int RequestingGenerator(long responseFlowId) => FlowIds.Application(responseFlowId) - ResponseGeneratorId(0);
}
