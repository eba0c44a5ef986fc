using System.Net;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using DcSim.Runner.Service;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests.Service;

/// <summary>
/// The experiment service over HTTP in-process (port 0), with its registry actor and a probe standing in for the coordinator: routes,
/// problem details, the queue and the controls.
/// </summary>
public sealed partial class ExperimentServiceSpec : TestKit, IAsyncLifetime
{
    /// <summary>Valid, and short: every other key takes its default (32 hosts, no traffic).</summary>
    private const string Scenario = "name = tiny\nduration = 1ms\n";

    private readonly TestProbe _coordinator;
    private readonly string _folder = Directory.CreateTempSubdirectory("dcsim-service-").FullName;
    private IActorRef _registry = ActorRefs.Nobody;
    private ExperimentService _service = null!;
    private HttpClient _http = null!;

    public ExperimentServiceSpec() => _coordinator = CreateTestProbe();

    public async Task InitializeAsync()
    {
        _registry = Sys.ActorOf(ExperimentRegistry.Props(_coordinator.Ref, _folder, () => 3));
        _service = await ExperimentService.StartAsync("127.0.0.1", 0, _registry, _folder, _folder);
        _http = new HttpClient { BaseAddress = _service.Address };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(HttpStatusCode Status, string? Type, JsonElement Body, HttpResponseMessage Response)> Send(HttpMethod method, string path,
        string? body = null, string mediaType = "text/plain")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private async Task<string> Submitted(string query = "")
    {
        var (status, _, body, response) = await Send(HttpMethod.Post, "/experiments" + query, Scenario);
        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/experiments/{id}", response.Headers.Location!.OriginalString);
        return id;
    }

    private async Task<JsonElement> Status(string id) => (await Send(HttpMethod.Get, $"/experiments/{id}")).Body;

    private async Task<JsonElement> AwaitState(string id, string state)
    {
        for (var i = 0; i < 100; i++)
        {
            var s = await Status(id);
            if (s.GetProperty("state").GetString() == state) return s;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"experiment {id} never became {state}: {await Status(id)}");
    }

    [Fact]
    public async Task Experiments_must_queue_run_one_at_a_time_show_progress_and_counters_and_serve_their_result_files_once_completed()
    {
        // arrange / act: two submissions; the first starts on 2 partitions, the second (partitions auto) waits
        var first = await Submitted("?partitions=2&seed=9");
        var second = await Submitted();
        var start = _coordinator.ExpectMsg<StartExperiment>();
        _coordinator.Reply(new RunPlaced(["akka.tcp://dcsim@127.0.0.1:1", "akka.tcp://dcsim@127.0.0.1:2"]));
        _coordinator.Reply(new RunProgress(250_000_000, 1_000_000_000, 250, 4_000));
        var running = await AwaitState(first, "running");
        var queued = await Status(second);
        var list = (await Send(HttpMethod.Get, "/experiments")).Body.GetProperty("experiments");
        var snapshot = new ResultsBuilder();
        snapshot.Counters("host0", "server")["cores"] = 8;
        snapshot.Counters("host0/vswitch", "vswitch")["megaflows"] = 5;
        var entity = Send(HttpMethod.Get, $"/experiments/{first}/entities/host0/vswitch");
        var query = _coordinator.ExpectMsg<QueryServers>();
        _coordinator.Reply(new ServersSnapshot(query.QueryId, 251_000_000, ResultsCodec.Encode(snapshot)));
        var (entityStatus, _, entityBody, _) = await entity;
        var notYet = await Send(HttpMethod.Get, $"/experiments/{first}/results");
        var final = new ResultsBuilder();
        final.Counters("host0", "server")["cores"] = 8;
        final.SeriesOf("queue/leaf0->host0").AddRange([(100, 3), (200, 0)]);
        _registry.Tell(new ExperimentCompleted(ResultsCodec.Encode(final), 1_000, 1_000_000, [new PartitionStats(0, "m0", 4_000, 750_000, 900_000)], 1, 1), _coordinator.Ref);
        var next = _coordinator.ExpectMsg<StartExperiment>();
        var completed = await AwaitState(first, "completed");
        var files = (await Send(HttpMethod.Get, $"/experiments/{first}/results")).Body.GetProperty("files");
        var summary = await _http.GetByteArrayAsync($"/experiments/{first}/results/summary.json");
        var series = (await Send(HttpMethod.Get, $"/experiments/{first}/series?name=queue/")).Body;

        // assert
        Assert.Equal(2, start.Partitions);
        Assert.Equal(3, next.Partitions);   // auto: one per member up
        Assert.Equal(("running", 0.25, 250L, 4_000L, 2), (running.GetProperty("state").GetString(), running.GetProperty("progress").GetDouble(),
            running.GetProperty("windows").GetInt64(), running.GetProperty("events").GetInt64(), running.GetProperty("members").GetArrayLength()));
        Assert.Equal(9UL, running.GetProperty("seed").GetUInt64());
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (running.GetProperty("busy_seconds").ValueKind, running.GetProperty("simulating_seconds").ValueKind));
        Assert.Equal((0.75, 0.9), (completed.GetProperty("busy_seconds").GetDouble(), completed.GetProperty("simulating_seconds").GetDouble()));
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        Assert.Equal([1, 2], list.EnumerateArray().Select(e => e.GetProperty("order").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, entityStatus);
        Assert.Equal(251_000_000, entityBody.GetProperty("simulated_time_ps").GetInt64());
        Assert.Equal(5, entityBody.GetProperty("components").GetProperty("host0/vswitch").GetProperty("counters").GetProperty("megaflows").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, notYet.Status);
        Assert.Equal((1.0, 1_000_000_000L), (completed.GetProperty("progress").GetDouble(), completed.GetProperty("simulated_time_ps").GetInt64()));
        Assert.Equal(Results.ResultFiles.Names.Order(StringComparer.Ordinal), files.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, first, "summary.json")), summary);
        Assert.Equal("[[100,3],[200,0]]", series.GetProperty("series").GetProperty("queue/leaf0->host0").GetRawText());
    }

    [Fact]
    public async Task Pause_resume_and_stop_must_go_to_the_coordinator_and_be_refused_with_409_when_the_state_does_not_allow_them()
    {
        // arrange
        var id = await Submitted();
        _coordinator.ExpectMsg<StartExperiment>();
        var queued = await Submitted();

        // act
        var pauseQueued = await Send(HttpMethod.Post, $"/experiments/{queued}/pause");
        var resumeRunning = await Send(HttpMethod.Post, $"/experiments/{id}/resume");
        var pause = Send(HttpMethod.Post, $"/experiments/{id}/pause");
        var pauseRun = _coordinator.ExpectMsg<PauseRun>();
        _coordinator.Reply(new RunControlled(pauseRun.ControlId, true, "paused", "holds at the next barrier"));
        var paused = await pause;
        var resume = Send(HttpMethod.Post, $"/experiments/{id}/resume");
        var resumeRun = _coordinator.ExpectMsg<ResumeRun>();
        _coordinator.Reply(new RunControlled(resumeRun.ControlId, true, "running", ""));
        var resumed = await resume;
        var stop = Send(HttpMethod.Post, $"/experiments/{id}/stop");
        var stopRun = _coordinator.ExpectMsg<StopRun>();
        _coordinator.Reply(new ExperimentStopped(500, 5));
        _coordinator.Reply(new RunControlled(stopRun.ControlId, true, "stopped", ""));
        var stopped = await stop;
        var next = _coordinator.ExpectMsg<StartExperiment>();   // the queued one runs once the stopped one is gone
        var stopAgain = await Send(HttpMethod.Post, $"/experiments/{id}/stop");
        var counters = await Send(HttpMethod.Get, $"/experiments/{id}/servers");

        // assert
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json", "queued"),
            (pauseQueued.Status, pauseQueued.Type, pauseQueued.Body.GetProperty("state").GetString()));
        Assert.Equal($"experiment {queued} is queued: it cannot be paused", pauseQueued.Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, resumeRunning.Status);
        Assert.Equal("paused", paused.Body.GetProperty("state").GetString());
        Assert.Equal("running", resumed.Body.GetProperty("state").GetString());
        Assert.Equal("stopped", stopped.Body.GetProperty("state").GetString());
        Assert.Equal(3, next.Partitions);
        Assert.Equal(HttpStatusCode.Conflict, stopAgain.Status);
        Assert.Equal(HttpStatusCode.Conflict, counters.Status);
        Assert.False(Directory.Exists(Path.Combine(_folder, id)), "a stopped experiment writes no results");
    }

    [Fact]
    public async Task Bad_requests_must_get_problem_details_that_name_what_is_wrong()
    {
        // act
        var badHocon = await Send(HttpMethod.Post, "/experiments?file=mine.conf", "duration = 1ms\nbogus = 3\nkernel.partitions = -1\n");
        var media = await Send(HttpMethod.Post, "/experiments", "{}", "application/json");
        var large = await Send(HttpMethod.Post, "/experiments", "# " + new string('x', ExperimentHandlers.MaxScenarioBytes) + "\n");
        var seed = await Send(HttpMethod.Post, "/experiments?seed=minus", Scenario);
        var partitions = await Send(HttpMethod.Post, "/experiments?partitions=2000000000", Scenario);
        var method = await Send(HttpMethod.Delete, "/experiments");
        var unknown = await Send(HttpMethod.Get, "/experiments/42-nothing");
        var noRoute = await Send(HttpMethod.Get, "/nowhere");
        var noFile = await Send(HttpMethod.Get, "/experiments/42-nothing/results/../../etc/passwd");

        // assert
        Assert.All(new[] { badHocon, media, large, seed, method, unknown, noRoute }, r => Assert.Equal("application/problem+json", r.Type));
        Assert.Equal(HttpStatusCode.BadRequest, badHocon.Status);
        var errors = badHocon.Body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("mine.conf:2: bogus: unknown key 'bogus'", errors[0]);
        Assert.StartsWith("mine.conf:3: kernel.partitions: ", errors[1]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, media.Status);
        Assert.Contains("text/plain", media.Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.Status);
        Assert.Equal(ExperimentHandlers.MaxScenarioBytes, large.Body.GetProperty("limit_bytes").GetInt32());
        Assert.Equal((HttpStatusCode.BadRequest, "query seed: expected a non-negative integer, got 'minus'"), (seed.Status, seed.Body.GetProperty("detail").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, $"query partitions: expected an integer from 1 to {ExperimentHandlers.MaxPartitions}, got '2000000000'"),
            (partitions.Status, partitions.Body.GetProperty("detail").GetString()));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.Status);
        Assert.Equal("DELETE /experiments: the method is not allowed here; allowed: GET, POST", method.Body.GetProperty("detail").GetString());
        Assert.Equal((HttpStatusCode.NotFound, "no experiment '42-nothing'"), (unknown.Status, unknown.Body.GetProperty("detail").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, noRoute.Status);
        Assert.Equal(HttpStatusCode.NotFound, noFile.Status);
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));   // nothing was submitted
    }

    [Fact]
    public async Task Topology_must_list_switches_by_tier_servers_by_rack_and_every_link_once_and_links_must_show_live_counters()
    {
        // arrange: a fat-tree k = 4 (16 hosts, 20 switches, 48 links)
        var (submitted, _, body, _) = await Send(HttpMethod.Post, "/experiments", "topology { kind = fat-tree, k = 4 }\nduration = 1ms\n");
        var id = body.GetProperty("id").GetString()!;
        _coordinator.ExpectMsg<StartExperiment>();

        // act
        var topology = (await Send(HttpMethod.Get, $"/experiments/{id}/topology")).Body;
        var missing = await Send(HttpMethod.Get, "/experiments/nope/topology");
        var links = Send(HttpMethod.Get, $"/experiments/{id}/links");
        var query = _coordinator.ExpectMsg<QueryServers>();
        var snapshot = new ResultsBuilder();
        snapshot.AddLink(new LinkStats { From = "edge0-0", To = "host0", FromLp = 16, FromPort = 0, RateBps = 10_000_000_000, DelayPs = 1, TxPackets = 7, BusyPs = 500 });
        _coordinator.Reply(new ServersSnapshot(query.QueryId, 1_000, ResultsCodec.Encode(snapshot)));
        var linkBody = (await links).Body;

        // assert
        Assert.Equal(HttpStatusCode.Created, submitted);
        Assert.Equal("fat-tree", topology.GetProperty("kind").GetString());
        var tiers = topology.GetProperty("switches").EnumerateArray().GroupBy(s => s.GetProperty("tier").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["edge"] = 8, ["aggregation"] = 8, ["core"] = 4 }, tiers);
        var servers = topology.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(16, servers.Count);
        Assert.Equal(("host0", "edge0-0"), (servers[0].GetProperty("name").GetString(), servers[0].GetProperty("switch").GetString()));
        var pairs = topology.GetProperty("links").EnumerateArray().Select(l => (l.GetProperty("a").GetString(), l.GetProperty("b").GetString())).ToList();
        Assert.Equal(48, pairs.Count);
        Assert.Equal(48, pairs.Select(p => string.CompareOrdinal(p.Item1, p.Item2) < 0 ? p : (p.Item2, p.Item1)).Distinct().Count());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        var link = Assert.Single(linkBody.GetProperty("links").EnumerateArray());
        Assert.Equal(("edge0-0", "host0", 7L, 500L), (link.GetProperty("from").GetString(), link.GetProperty("to").GetString(),
            link.GetProperty("tx_packets").GetInt64(), link.GetProperty("busy_ps").GetInt64()));
        Assert.Equal(1_000, linkBody.GetProperty("simulated_time_ps").GetInt64());
    }

    [Fact]
    public async Task OpenApi_document_must_be_OpenApi_3_and_list_every_endpoint_with_its_methods()
    {
        // act
        var (status, _, doc, _) = await Send(HttpMethod.Get, ExperimentService.OpenApiPath);

        // assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        var paths = doc.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(m => m.Name).Order().ToArray());
        var expected = new Dictionary<string, string[]>
        {
            ["/experiments"] = ["get", "post"],
            ["/experiments/{id}"] = ["get"],
            ["/experiments/{id}/pause"] = ["post"],
            ["/experiments/{id}/resume"] = ["post"],
            ["/experiments/{id}/stop"] = ["post"],
            ["/experiments/{id}/servers"] = ["get"],
            ["/experiments/{id}/servers/{name}"] = ["get"],
            ["/experiments/{id}/entities/{path}"] = ["get"],
            ["/experiments/{id}/series"] = ["get"],
            ["/experiments/{id}/topology"] = ["get"],
            ["/experiments/{id}/links"] = ["get"],
            ["/experiments/{id}/results"] = ["get"],
            ["/experiments/{id}/results/{file}"] = ["get"],
            ["/experiments/{id}/run"] = ["post"],
            ["/experiments/{id}/actions"] = ["post"],
            ["/scenarios/validate"] = ["post"],
        };
        Assert.Equal(expected.Keys.Order(), paths.Keys.Order());
        foreach (var (path, methods) in expected) Assert.Equal(methods, paths[path].Where(m => m is "get" or "post"));
    }
}
