using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Server side of request/response generators on one endpoint: after a service time (fixed or
/// exponential, drawn from this endpoint's own stream) it answers each request with a response cut into
/// packets of the generator's packet size, sent back to back. Responses of one (generator, client)
/// pair form one flow, from port 5000 + generator to port 1024 + client endpoint.
/// </summary>
internal sealed class ResponseServer(IEndpoint endpoint, IReadOnlyList<GeneratorSettings> generators, ulong seed)
{
    private readonly Rng _rng = RandomStreams.Create(seed, endpoint.Address.Id, "server");
    private readonly Dictionary<(int Generator, int Client), (long FlowId, int Sequence)> _flows = new();
    private long _nextFlowNumber;

    /// <summary>Service time for a request of generator <paramref name="generator"/>.</summary>
    public long ServiceTime(int generator)
    {
        var rr = generators[generator].RequestResponse;
        return rr.ServiceDistribution == PeriodDistribution.Exponential
            ? (long)_rng.NextExponential(rr.ServiceTimePs)
            : rr.ServiceTimePs;
    }

    /// <summary>The response packets for <paramref name="request"/>, in sending order.</summary>
    public IEnumerable<Packet> Respond(in Packet request, long now)
    {
        var generator = FlowIds.Application(request.FlowId);
        var settings = generators[generator];
        var total = settings.RequestResponse.ResponseSizes?.Sample(_rng) ?? settings.RequestResponse.ResponseBytes;
        var client = request.SourceEndpoint;
        var self = endpoint.Address;
        var key = (generator, client);
        if (!_flows.TryGetValue(key, out var flow))
            flow = (FlowIds.Make(self.Id, ResponseGeneratorId(generator), _nextFlowNumber++), 0);
        var headers = FlowCursor.UdpHeaders(self, endpoint.Resolve(client), (ushort)(5000 + generator), (ushort)(1024 + client));
        var hash = headers.FlowHash();
        var packets = new List<Packet>();
        for (var left = total; left > 0;)
        {
            var size = (int)Math.Min(settings.PacketBytes, left);
            left -= size;
            packets.Add(new Packet
            {
                FlowId = flow.FlowId, CreatedAt = now, Headers = headers, SourceEndpoint = self.Id, DestinationEndpoint = client,
                PayloadBytes = size, FlowHash = hash, Sequence = flow.Sequence++,
                App = new AppData { Kind = (byte)AppKind.Response, EndOfMessage = left == 0, Stamp = request.CreatedAt },
            });
        }
        _flows[key] = flow;
        return packets;
    }

    /// <summary>Responses get their own generator number space (128 + client generator) in flow ids.</summary>
    public static int ResponseGeneratorId(int generator) => 128 + generator;
}
