using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests;

/// <summary>
/// A server answers the address a request came from, as a UDP server answers recvfrom's address: behind a NAT that
/// rewrote the request's source, that is the NAT's address and port, not the client endpoint's own.
/// </summary>
public sealed class ResponseServerSpec
{
    private sealed class Endpoint(int id) : IEndpoint
    {
        public EndpointAddress Address { get; } = EndpointAddress.Planned(id);
        public long Now => 0;
        public EndpointAddress Resolve(int endpoint) => EndpointAddress.Planned(endpoint);
        public (EndpointAddress Address, ushort Port) Reach(int endpoint, ushort port) => (EndpointAddress.Planned(endpoint), port);
        public bool IsRunning => true;
        public long StopsAt => long.MaxValue;
        public void Send(in Packet packet, GeneratorKind kind) => throw new InvalidOperationException("the server only builds responses");
        public void SetAppTimer(long time, int app, AppTimer timer, int epoch) => throw new InvalidOperationException("the server sets no timers");
        public TcpLayer Tcp => throw new InvalidOperationException("the UDP server has no TCP");
        public TcpContext TcpContext => throw new InvalidOperationException("the UDP server has no TCP");
        public void At(long time, Action action) => throw new InvalidOperationException("the server sets no timers");
    }

    private const int Client = 3;
    private const int Server = 7;

    /// <summary>A request from client endpoint 3 as a NAT forwarded it: source 192.168.1.1:40000 with the NAT's MAC.</summary>
    private static Packet NattedRequest(int generator, ushort sourcePort = 40_000, long flowNumber = 0) => new()
    {
        FlowId = FlowIds.Make(Client, generator, flowNumber), CreatedAt = 123_456, SourceEndpoint = Client, DestinationEndpoint = Server,
        PayloadBytes = 100, Sequence = 0, App = new AppData { Kind = 1 /* request */ },
        Headers = new PacketHeaders
        {
            SourceMac = 0x0200_00AB_CDEF, DestinationMac = EndpointAddress.Planned(Server).Mac, SourceIp = 0xC0A8_0101, DestinationIp = EndpointAddress.Planned(Server).Ipv4,
            SourcePort = sourcePort, DestinationPort = (ushort)(5000 + generator), Protocol = PacketHeaders.Udp,
        },
    };

    private static IReadOnlyList<GeneratorSettings> Generators() =>
    [
        TestScenarios.Generator(GeneratorKind.UdpRr, [Client], 1, 1000, SimTime.Millisecond, DestinationPattern.Fixed, Server, index: 0),
        TestScenarios.Generator(GeneratorKind.RequestResponse, [Client], 1, 1000, SimTime.Millisecond, DestinationPattern.Fixed, Server, index: 1,
            requestResponse: new RequestResponseSettings(100, 2500, null, 0, PeriodDistribution.Fixed)),
    ];

    private static PacketHeaders ExpectedReply(ushort clientPort, int generator) => new()
    {
        SourceMac = EndpointAddress.Planned(Server).Mac, DestinationMac = 0x0200_00AB_CDEF,
        SourceIp = EndpointAddress.Planned(Server).Ipv4, DestinationIp = 0xC0A8_0101,
        SourcePort = (ushort)(5000 + generator), DestinationPort = clientPort, Protocol = PacketHeaders.Udp,
    };

    [Fact]
    public void Response_must_swap_the_request_headers_and_go_to_the_requesting_endpoint()
    {
        // arrange
        var server = new ResponseServer(new Endpoint(Server), Generators(), seed: 1);

        // act
        var response = Assert.Single(server.Respond(NattedRequest(generator: 0), now: 200_000));

        // assert
        Assert.Equal(ExpectedReply(40_000, 0), response.Headers);
        Assert.Equal(response.Headers.FlowHash(), response.FlowHash);
        Assert.Equal((Server, Client), (response.SourceEndpoint, response.DestinationEndpoint));
        Assert.Equal(200, response.PayloadBytes); // udp-rr: one datagram of response-size
        Assert.Equal(((byte)2, true, 123_456L), (response.App.Kind, response.App.EndOfMessage, response.App.Stamp));
        Assert.Equal(ResponseServer.ResponseGeneratorId(0), FlowIds.Application(response.FlowId));
    }

    [Fact]
    public void Every_packet_of_a_request_response_answer_must_carry_the_swapped_headers()
    {
        var server = new ResponseServer(new Endpoint(Server), Generators(), seed: 1);

        var packets = server.Respond(NattedRequest(generator: 1), now: 0).ToList();

        Assert.Equal([1000, 1000, 500], packets.Select(p => p.PayloadBytes));
        Assert.All(packets, p => Assert.Equal(ExpectedReply(40_000, 1), p.Headers));
        Assert.Equal([false, false, true], packets.Select(p => p.App.EndOfMessage));
    }

    [Fact]
    public void Requests_from_two_source_ports_of_one_client_must_be_answered_on_each_port_as_two_response_flows()
    {
        // arrange: two request flows of one client, e.g. two connections masqueraded to two NAT ports
        var server = new ResponseServer(new Endpoint(Server), Generators(), seed: 1);

        // act
        var first = server.Respond(NattedRequest(0, 40_000, flowNumber: 0), 0).Single();
        var second = server.Respond(NattedRequest(0, 40_001, flowNumber: 1), 0).Single();
        var firstAgain = server.Respond(NattedRequest(0, 40_000, flowNumber: 0), 0).Single();

        // assert
        Assert.Equal((ushort)40_000, first.Headers.DestinationPort);
        Assert.Equal((ushort)40_001, second.Headers.DestinationPort);
        Assert.NotEqual(first.FlowId, second.FlowId);
        Assert.Equal(first.FlowId, firstAgain.FlowId);
        Assert.Equal((0, 1), (first.Sequence, firstAgain.Sequence));
    }
}
