using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The experiment service on a cluster of 3 processes (`dcsim node --http` and two `dcsim node --seed-node`): an experiment submitted
/// over HTTP and through the `dcsim` client commands, paused and queried mid-run, its results downloaded and byte-identical to
/// `dcsim run`'s for the same scenario and seed.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class ExperimentServiceSpec : IDisposable
{
    private const string ScenarioPath = "config/scenarios/determinism.conf";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly string _experiments = Scratch.Directory("service");
    private readonly int _http = Dcsim.FreePort();
    private readonly List<Dcsim.Background> _nodes = [];
    private readonly HttpClient _client;

    public ExperimentServiceSpec()
    {
        var port = Dcsim.FreePort();
        _nodes.Add(Dcsim.StartCapturing("node", "--port", port.ToString(), "--http", _http.ToString(), "--experiments", _experiments));
        for (var i = 0; i < 2; i++) _nodes.Add(Dcsim.StartCapturing("node", "--port", "0", "--seed-node", $"127.0.0.1:{port}"));
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_http}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (var node in _nodes) node.Dispose();
    }

    private string Server => $"127.0.0.1:{_http}";

    /// <summary>
    /// Waits for the three members to say they are up in the cluster, then for sharding to hear of their regions (they register at once
    /// and retry every 200 ms): a fixed 5 s from their start lines once let a partition land beside another on a loaded machine.
    /// </summary>
    private async Task ClusterUp()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (_nodes.Any(n => !n.Stdout.Contains("dcsim member up ")))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(string.Join("\n", _nodes.Select(n => n.Stdout + n.Stderr)));
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
    }

    private Task<JsonElement> Json(HttpMethod method, string path, HttpStatusCode expected = HttpStatusCode.OK, HttpContent? content = null) =>
        ServiceRequests.Json(_client, method, path, expected, content);

    private async Task<JsonElement> AwaitProgress(string id, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var status = await Json(HttpMethod.Get, $"/experiments/{id}");
            if (done(status)) return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"experiment {id}: {await Json(HttpMethod.Get, $"/experiments/{id}")}");
    }

    private static long Time(JsonElement e) => e.GetProperty("simulated_time_ps").GetInt64();

    /// <summary>`dcsim run` of the scenario on one process: the results the service's must equal.</summary>
    private static string RunLocally(string scenario = ScenarioPath)
    {
        var output = Scratch.Directory("service-run");
        var run = Dcsim.Run(Patience, "run", Dcsim.RepositoryFile(scenario), "--out", output, "--journal", "off");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return output;
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in names) Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), name);
    }

    [Fact]
    public async Task Experiment_submitted_over_HTTP_to_a_3_process_cluster_must_pause_answer_queries_mid_run_and_give_dcsim_runs_files()
    {
        // arrange
        var local = RunLocally();
        await ClusterUp();
        var scenarioFile = Dcsim.RepositoryFile(ScenarioPath);
        var body = new StringContent(await File.ReadAllTextAsync(scenarioFile), Encoding.UTF8, "text/plain");
        var openApi = await Json(HttpMethod.Get, "/openapi/v1.json");

        // act: submit held at time 0, then run on to 1 ms of simulated time and hold there, and query each time. Submitted held, not
        // paused after: a pause is kept at the next barrier, and 3 processes now run this scenario's first millisecond before a pause
        // asked for right after the submit reached them on a loaded machine (it held at 1.07 ms, and run-until 1 ms was refused).
        var submitted = await Json(HttpMethod.Post, $"/experiments?partitions=3&paused=true&base={Uri.EscapeDataString(Path.GetDirectoryName(scenarioFile)!)}",
            HttpStatusCode.Created, body);
        var id = submitted.GetProperty("id").GetString()!;
        var paused = await AwaitProgress(id, s => s.GetProperty("state").GetString() == "paused");
        await Json(HttpMethod.Post, $"/experiments/{id}/run?until=1ms");
        var held = await AwaitProgress(id, s => s.GetProperty("members").GetArrayLength() == 3);
        var server = await Json(HttpMethod.Get, $"/experiments/{id}/servers/host8");
        var vm = server.GetProperty("servers")[0].GetProperty("entities")[0];
        var entity = await Json(HttpMethod.Get, $"/experiments/{id}/entities/{vm.GetProperty("path").GetString()}");
        var again = await Json(HttpMethod.Get, $"/experiments/{id}/servers/host8");
        await Json(HttpMethod.Post, $"/experiments/{id}/resume");
        var completed = await AwaitProgress(id, s => s.GetProperty("state").GetString() is "completed" or "failed" or "stopped");
        var files = await Json(HttpMethod.Get, $"/experiments/{id}/results");
        var downloaded = Scratch.Directory("service-http");
        foreach (var f in files.GetProperty("files").EnumerateArray())
            await File.WriteAllBytesAsync(Path.Combine(downloaded, f.GetProperty("name").GetString()!),
                await _client.GetByteArrayAsync(f.GetProperty("href").GetString()));
        var series = await Json(HttpMethod.Get, $"/experiments/{id}/series?name=cwnd/");

        // assert
        Assert.Equal("paused", paused.GetProperty("state").GetString());
        Assert.Equal(3, held.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Distinct().Count());
        Assert.Equal(1_000_000_000, Time(server));
        Assert.Equal(Time(server), Time(again));   // held: the same cut
        Assert.Equal(server.GetRawText(), again.GetRawText());
        Assert.Equal("vm", vm.GetProperty("kind").GetString());
        Assert.True(entity.GetProperty("components").EnumerateObject().Count() >= 2, entity.GetRawText());
        Assert.Equal("completed", completed.GetProperty("state").GetString());
        Assert.Equal(3_000_000_000, Time(completed));
        AssertSameFiles(local, downloaded);
        AssertSameFiles(local, Path.Combine(_experiments, id));
        Assert.NotEmpty(series.GetProperty("series").EnumerateObject());
        Assert.Equal(16, openApi.GetProperty("paths").EnumerateObject().Count());
    }

    [Fact]
    public async Task A_vswitchs_listings_asked_mid_run_of_a_3_process_cluster_must_agree_with_its_counters_and_change_no_result()
    {
        // arrange: vswitch-kernel.conf (8 servers, each with Open vSwitch on the kernel datapath and 4 rules) on three processes
        var local = RunLocally("config/scenarios/vswitch-kernel.conf");
        await ClusterUp();
        var scenarioFile = Dcsim.RepositoryFile("config/scenarios/vswitch-kernel.conf");
        var body = new StringContent(await File.ReadAllTextAsync(scenarioFile), Encoding.UTF8, "text/plain");

        // act: held at 1 ms (submitted held at time 0, then run on to 1 ms: a pause asked for after the submit could land past 1 ms), a
        // server's vSwitch with its listings (cut to 2 lines, then not), then without, then on to the end
        var id = (await Json(HttpMethod.Post, $"/experiments?partitions=3&paused=true&base={Uri.EscapeDataString(Path.GetDirectoryName(scenarioFile)!)}",
            HttpStatusCode.Created, body)).GetProperty("id").GetString()!;
        await Json(HttpMethod.Post, $"/experiments/{id}/run?until=1ms");
        await AwaitProgress(id, s => s.TryGetProperty("held_ps", out var held) && held.ValueKind == JsonValueKind.Number);
        var listed = await Json(HttpMethod.Get, $"/experiments/{id}/entities/host7/vswitch?listings=true&limit=2");
        var all = await Json(HttpMethod.Get, $"/experiments/{id}/entities/host7?listings=true");
        var plain = await Json(HttpMethod.Get, $"/experiments/{id}/entities/host7/vswitch");
        await Json(HttpMethod.Post, $"/experiments/{id}/resume");
        await AwaitProgress(id, s => s.GetProperty("state").GetString() is "completed" or "failed" or "stopped");
        var after = await Json(HttpMethod.Get, $"/experiments/{id}/entities/host7?listings=true", HttpStatusCode.Conflict);

        // assert: the same cut with and without listings; a line per cached flow and rule, cut to the limit, saying how many were left out
        var vswitch = all.GetProperty("components").GetProperty("host7/vswitch");
        var counters = vswitch.GetProperty("counters");
        Assert.Equal(plain.GetProperty("components").GetProperty("host7/vswitch").GetProperty("counters").GetRawText(), counters.GetRawText());
        Assert.False(plain.GetProperty("components").GetProperty("host7/vswitch").TryGetProperty("listings", out _));
        var flows = vswitch.GetProperty("listings").GetProperty("datapath_flows");
        var lines = flows.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Equal(Time(all), flows.GetProperty("at_ps").GetInt64());
        Assert.Equal(counters.GetProperty("megaflows").GetInt64(), flows.GetProperty("total").GetInt64());
        Assert.Equal((long)lines.Count, flows.GetProperty("total").GetInt64());
        Assert.True(lines.Count >= 2, all.GetRawText());
        var packets = lines.Sum(l => long.Parse(System.Text.RegularExpressions.Regex.Match(l, @", packets:(\d+),").Groups[1].Value));
        Assert.True(packets <= counters.GetProperty("megaflow_hits").GetInt64() + counters.GetProperty("exact_match_hits").GetInt64(), all.GetRawText());
        Assert.All(lines, l => Assert.StartsWith("recirc_id(0),in_port(", l));
        var rules = vswitch.GetProperty("listings").GetProperty("openflow_rules");
        Assert.Equal(1_000_000_000, Time(all));
        Assert.Equal((4L, 0L), (rules.GetProperty("total").GetInt64(), rules.GetProperty("left_out").GetInt64()));
        Assert.All(rules.GetProperty("lines").EnumerateArray(), r => Assert.StartsWith(" cookie=0x0, duration=", r.GetString()));
        var cut = listed.GetProperty("components").GetProperty("host7/vswitch").GetProperty("listings").GetProperty("datapath_flows");
        Assert.Equal((2, flows.GetProperty("total").GetInt64() - 2), (cut.GetProperty("lines").GetArrayLength(), cut.GetProperty("left_out").GetInt64()));
        Assert.Equal(lines.Take(2), cut.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!));
        Assert.Contains("listings are taken from its run while it goes on or holds", after.GetProperty("detail").GetString());
        AssertSameFiles(local, Path.Combine(_experiments, id));
    }

    [Fact]
    public async Task Client_commands_must_submit_wait_list_query_download_and_stop_with_one_line_problems()
    {
        // arrange
        var local = RunLocally();
        await ClusterUp();
        var scenario = Dcsim.RepositoryFile(ScenarioPath);

        // act
        var submit = Dcsim.Run(Patience, "submit", scenario, "--partitions", "3", "--server", Server, "--wait");
        var list = Dcsim.Run(Patience, "list", "--server", Server, "--json");
        var id = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("experiments")[0].GetProperty("id").GetString()!;
        var table = Dcsim.Run(Patience, "list", "--server", Server);
        var status = Dcsim.Run(Patience, "status", id, "--server", Server);
        var query = Dcsim.Run(Patience, "query", id, "servers/host8", "--server", Server, "--json");
        var output = Scratch.Directory("service-client");
        var results = Dcsim.Run(Patience, "results", id, "--out", output, "--server", Server);
        var stopCompleted = Dcsim.Run(Patience, "stop", id, "--server", Server);
        var unknown = Dcsim.Run(Patience, "status", "no-such-id", "--server", Server);
        var second = Dcsim.Run(Patience, "submit", scenario, "--server", Server, "--json");
        var secondId = JsonDocument.Parse(second.Stdout).RootElement.GetProperty("id").GetString()!;
        var stop = Dcsim.Run(Patience, "stop", secondId, "--server", Server, "--json");
        var stopped = Dcsim.Run(Patience, "status", secondId, "--server", Server, "--json");
        var unreachable = Dcsim.Run(Patience, "list", "--server", $"127.0.0.1:{Dcsim.FreePort()}");

        // assert
        Assert.True(submit.ExitCode == 0, submit.Stdout + submit.Stderr);
        Assert.Contains("state          completed", submit.Stdout);
        Assert.Matches(@"ID\s+NAME\s+STATE\s+PROGRESS\s+SIMULATED\s+WALL", table.Stdout);
        Assert.Contains($"{id}  determinism  completed  100.0%", table.Stdout);
        Assert.Contains("progress       100.0% (3ms of 3ms)", status.Stdout);
        Assert.Equal(0, query.ExitCode);
        Assert.Equal(3_000_000_000, JsonDocument.Parse(query.Stdout).RootElement.GetProperty("simulated_time_ps").GetInt64());
        Assert.True(results.ExitCode == 0, results.Stderr);
        AssertSameFiles(local, output);
        Assert.Equal((1, $"dcsim: 409 Conflict: experiment {id} is completed: it cannot be stopped"), (stopCompleted.ExitCode, stopCompleted.Stderr.Trim()));
        Assert.Equal((2, "dcsim: 404 Not Found: no experiment 'no-such-id'"), (unknown.ExitCode, unknown.Stderr.Trim()));
        Assert.True(stop.ExitCode == 0, stop.Stderr);
        Assert.Equal("stopped", JsonDocument.Parse(stopped.Stdout).RootElement.GetProperty("state").GetString());
        Assert.False(Directory.Exists(Path.Combine(_experiments, secondId)), "a stopped experiment writes no results");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith("dcsim: cannot reach the experiment service at", unreachable.Stderr);
    }

    /// <summary>4,000 servers and 20,000 VMs, no traffic: a couple of seconds to build on each member, nothing to run.</summary>
    private const string SlowToBuild = "name = slow-to-build\nseed = 1\nduration = 1ms\ntopology { spines = 16, leaves = 100, hosts-per-leaf = 40 }\n"
        + "servers.hypervisor = kvm\nvms = [ { name = idle, count = 20000, vcpus = 1 } ]\n";

    [Fact]
    public async Task Experiment_stopped_while_its_partitions_are_built_must_stop_at_once_and_leave_the_cluster_running_the_next_one_correctly()
    {
        // arrange
        var local = RunLocally();
        await ClusterUp();
        var scenarioFile = Dcsim.RepositoryFile(ScenarioPath);

        // act: stop right after the submission, while the 3 members build their partitions
        var slow = await Json(HttpMethod.Post, "/experiments?partitions=3", HttpStatusCode.Created, new StringContent(SlowToBuild, Encoding.UTF8, "text/plain"));
        var slowId = slow.GetProperty("id").GetString()!;
        var stop = await Json(HttpMethod.Post, $"/experiments/{slowId}/stop");
        var next = await Json(HttpMethod.Post, $"/experiments?partitions=3&base={Uri.EscapeDataString(Path.GetDirectoryName(scenarioFile)!)}",
            HttpStatusCode.Created, new StringContent(await File.ReadAllTextAsync(scenarioFile), Encoding.UTF8, "text/plain"));
        var nextId = next.GetProperty("id").GetString()!;
        var completed = await AwaitProgress(nextId, s => s.GetProperty("state").GetString() is "completed" or "failed" or "stopped");
        var stopped = await Json(HttpMethod.Get, $"/experiments/{slowId}");

        // assert: stopped before any partition was placed, nothing written; the next run gives dcsim run's files
        Assert.Equal("stopped", stop.GetProperty("state").GetString());
        Assert.Equal(("stopped", 0L, 0), (stopped.GetProperty("state").GetString(), Time(stopped), stopped.GetProperty("members").GetArrayLength()));
        Assert.False(Directory.Exists(Path.Combine(_experiments, slowId)), "a stopped experiment writes no results");
        Assert.Equal("completed", completed.GetProperty("state").GetString());
        AssertSameFiles(local, Path.Combine(_experiments, nextId));
        // the abandons went through the shard region to the partitions: sharding would log one it could not route, and drop it
        var log = Regex.Match(_nodes[0].Stdout, @"\(Akka's log: (\S+)\)").Groups[1].Value;
        Assert.NotEmpty(log);
        Assert.DoesNotContain("AbandonRun", File.Exists(log) ? await File.ReadAllTextAsync(log) : "");
    }
}
