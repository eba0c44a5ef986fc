using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using DcSim.ActorsHost.Endpoints;
using DcSim.Runner.Hosting;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests;

/// <summary>
/// The query endpoint over HTTP, with a stand-in for the coordinator that answers every query with one snapshot:
/// host3 with a VM (its vNIC and stack) holding a container and the vNIC of another VM, and a bare host5.
/// </summary>
public sealed class QueryEndpointSpec : TestKit
{
    private const long SimulatedTime = 7_000_000;

    private static byte[] Snapshot()
    {
        var r = new ResultsBuilder();
        r.Counters("host3", "server")["cores"] = 4;
        r.Counters("host5", "server")["cores"] = 2;
        r.Counters("host3/nic0", "nic")["rx_packets"] = 11;
        r.Counters("host3/stack", "host-stack")[EndpointResults.Endpoint] = 3;
        r.Counters("host3/kvm-0/eth0", "virtio")["packets"] = 9;
        r.Counters("host3/kvm-10/eth0", "virtio")["packets"] = 1;
        var vm = r.Counters("host3/kvm-0/stack", "vm");
        (vm[EndpointResults.Endpoint], vm[EndpointResults.State], vm[EndpointResults.StartupPs], vm[EndpointResults.PacketsDelivered]) =
            (8, (long)EndpointState.Running, 20_000_000, 9);
        var web = r.Counters("host3/kvm-0/web-0/stack", "container");
        (web[EndpointResults.Endpoint], web[EndpointResults.State], web[EndpointResults.StartupPs]) = (9, (long)EndpointState.Starting, -1);
        return ResultsCodec.Encode(r);
    }

    private sealed class Coordinator : ReceiveActor
    {
        public Coordinator(byte[] snapshot) =>
            Receive<QueryServers>(q => Sender.Tell(new ServersSnapshot(q.QueryId, SimulatedTime, snapshot)));
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> Get(string path)
    {
        var port = FreePort();
        await using var endpoint = await QueryEndpoint.StartAsync($"http://127.0.0.1:{port}");
        endpoint.Serve(Sys.ActorOf(Props.Create(() => new Coordinator(Snapshot()))));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var response = await http.GetAsync(path);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Server_must_list_its_vms_and_containers_with_their_state_and_components()
    {
        var (status, _, body) = await Get("/servers/host3");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(SimulatedTime, body.GetProperty("simulated_time_ps").GetInt64());
        var server = Assert.Single(body.GetProperty("servers").EnumerateArray());
        Assert.Equal(9, server.GetProperty("kvm-0/eth0").GetProperty("packets").GetInt64());
        var entities = server.GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(["host3/kvm-0", "host3/kvm-0/web-0"], entities.Select(e => e.GetProperty("path").GetString()));
        Assert.Equal(["vm", "container"], entities.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(["running", "starting"], entities.Select(e => e.GetProperty("state").GetString()));
        Assert.Equal(20_000_000, entities[0].GetProperty("startup_ps").GetInt64());
        Assert.Equal(["eth0", "stack", "web-0/stack"], entities[0].GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("web-0", entities[1].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Entities_must_answer_one_component_by_its_path()
    {
        var (status, _, body) = await Get("/entities/host3/kvm-0/stack");

        Assert.Equal(HttpStatusCode.OK, status);
        var components = body.GetProperty("components").EnumerateObject().ToList();
        var stack = Assert.Single(components);
        Assert.Equal("host3/kvm-0/stack", stack.Name);
        Assert.Equal("vm", stack.Value.GetProperty("kind").GetString());
        Assert.Equal(9, stack.Value.GetProperty("counters").GetProperty(EndpointResults.PacketsDelivered).GetInt64());
    }

    [Fact]
    public async Task Entities_must_answer_every_component_under_an_entity_path()
    {
        var (status, _, body) = await Get("/entities/host3/kvm-0");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("host3/kvm-0", body.GetProperty("path").GetString());
        Assert.Equal(["host3/kvm-0/eth0", "host3/kvm-0/stack", "host3/kvm-0/web-0/stack"],
            body.GetProperty("components").EnumerateObject().Select(c => c.Name));
    }

    [Fact]
    public async Task Entities_must_answer_404_with_a_problem_naming_the_path_when_nothing_is_there_but_a_neighbour_sharing_its_prefix()
    {
        var (status, contentType, body) = await Get("/entities/host3/kvm-1");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", body.GetProperty("title").GetString());
        Assert.Contains("'host3/kvm-1'", body.GetProperty("detail").GetString());
        Assert.Equal("/entities/host3/kvm-1", body.GetProperty("instance").GetString());
        // The experiment service's problems have the same shape: one source makes both.
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.5", body.GetProperty("type").GetString());
    }
}
