using System.Net;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests.Service;

/// <summary>Listings (a vSwitch's rules and datapath flows): asked for with listings=true only, bounded, at the held time, and their problems.</summary>
public sealed partial class ExperimentServiceSpec
{
    private const string Flow = "recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), packets:7, bytes:700, used:0.001s, actions:2";

    [Fact]
    public async Task Listings_must_be_asked_of_the_partitions_only_when_wanted_bounded_and_at_the_time_the_run_holds()
    {
        // arrange: held at 1.5 us
        var id = await HeldAtZero();
        var run = Send(HttpMethod.Post, $"/experiments/{id}/run?until=1.5us");
        var until = _coordinator.ExpectMsg<RunUntil>();
        _coordinator.Reply(new RunControlled(until.ControlId, true, "running", ""));
        _coordinator.Reply(new RunHeld(1_500_000, 3, 40));
        await run;
        var snapshot = new ResultsBuilder();
        snapshot.Counters("host0/vswitch", "vswitch")["megaflows"] = 3;
        snapshot.List("host0/vswitch", "datapath_flows", new Listing(1_500_000, 3, [Flow, Flow]));

        // act: listings of at most 2 lines; then the counters alone (the same snapshot answers); then listings of 5 lines (asked anew)
        var listed = Send(HttpMethod.Get, $"/experiments/{id}/entities/host0/vswitch?listings=true&limit=2");
        var query = _coordinator.ExpectMsg<QueryServers>();
        _coordinator.Reply(new ServersSnapshot(query.QueryId, 0, ResultsCodec.Encode(snapshot)));
        var withListings = await listed;
        var plain = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0/vswitch");
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        var more = Send(HttpMethod.Get, $"/experiments/{id}/entities/host0?listings=true&limit=5");
        var second = _coordinator.ExpectMsg<QueryServers>();
        _coordinator.Reply(new ServersSnapshot(second.QueryId, 0, ResultsCodec.Encode(snapshot)));
        await more;

        // assert
        Assert.Equal(new ListingQuery("host0/vswitch", 2, 1_500_000), query.Listing);
        Assert.Equal(new ListingQuery("host0", 5, 1_500_000), second.Listing);
        var flows = withListings.Body.GetProperty("components").GetProperty("host0/vswitch").GetProperty("listings").GetProperty("datapath_flows");
        Assert.Equal((1_500_000L, 3L, 1L), (flows.GetProperty("at_ps").GetInt64(), flows.GetProperty("total").GetInt64(), flows.GetProperty("left_out").GetInt64()));
        Assert.Equal([Flow, Flow], flows.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(1_500_000, withListings.Body.GetProperty("simulated_time_ps").GetInt64());
        Assert.False(plain.Body.GetProperty("components").GetProperty("host0/vswitch").TryGetProperty("listings", out _), plain.Body.GetRawText());
        Assert.Equal(3, plain.Body.GetProperty("components").GetProperty("host0/vswitch").GetProperty("counters").GetProperty("megaflows").GetInt64());
    }

    [Fact]
    public async Task Listings_must_refuse_bad_parameters_and_a_completed_experiment_naming_what_is_wrong()
    {
        // arrange
        var id = await Submitted();
        _coordinator.ExpectMsg<StartExperiment>();
        string Detail((HttpStatusCode, string?, System.Text.Json.JsonElement Body, HttpResponseMessage) r) => r.Body.GetProperty("detail").GetString()!;

        // act
        var notBool = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0/vswitch?listings=yes");
        var zero = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0/vswitch?listings=true&limit=0");
        var tooMany = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0/vswitch?listings=true&limit=10001");
        var alone = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0/vswitch?limit=5");
        await Complete(id, Encoded(8));
        var completed = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0?listings=true");
        var counters = await Send(HttpMethod.Get, $"/experiments/{id}/entities/host0");

        // assert
        Assert.Equal((HttpStatusCode.BadRequest, "query listings: expected true or false, got 'yes'"), (notBool.Status, Detail(notBool)));
        Assert.Equal((HttpStatusCode.BadRequest, "query limit: expected an integer from 1 to 10000, got '0'"), (zero.Status, Detail(zero)));
        Assert.Equal((HttpStatusCode.BadRequest, "query limit: expected an integer from 1 to 10000, got '10001'"), (tooMany.Status, Detail(tooMany)));
        Assert.Equal((HttpStatusCode.BadRequest, "query limit: bounds the lines of each listing, so it needs listings=true"), (alone.Status, Detail(alone)));
        Assert.Equal(HttpStatusCode.Conflict, completed.Status);
        Assert.StartsWith($"experiment {id} has completed: listings are taken from its run while it goes on or holds", Detail(completed));
        Assert.Equal(HttpStatusCode.OK, counters.Status);
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));   // no snapshot was asked for by a refused query
    }
}
