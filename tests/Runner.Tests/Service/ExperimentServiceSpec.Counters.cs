using System.Net;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Metrics;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests.Service;

/// <summary>Where queries are answered from: one snapshot for a burst, a finished experiment's counters from disk; captures among the results.</summary>
public sealed partial class ExperimentServiceSpec
{
    private static byte[] Encoded(long cores, bool capture = false)
    {
        var r = new ResultsBuilder();
        r.Counters("host0", "server")["cores"] = cores;
        if (capture) r.Captures.Add("leaf0->host0", new CapturedFrames(2, 1, new byte[16 + 60]));
        return ResultsCodec.Encode(r);
    }

    private async Task Complete(string id, byte[] results)
    {
        _registry.Tell(new ExperimentCompleted(results, 10, 1_000_000, [new PartitionStats(0, "m0", 1, 1, 1)], 1, 1), _coordinator.Ref);
        await AwaitState(id, "completed");
    }

    private async Task<long> Cores(string id) =>
        (await Send(HttpMethod.Get, $"/experiments/{id}/servers/host0")).Body.GetProperty("servers")[0].GetProperty("cores").GetInt64();

    [Fact]
    public async Task A_burst_of_queries_on_a_running_experiment_must_ask_the_cluster_once_and_get_the_same_bytes()
    {
        // arrange: a burst of queries while the first snapshot is out; they all wait for it (its answer is held until they have come)
        var id = await Submitted();
        _coordinator.ExpectMsg<StartExperiment>();
        var burst = Enumerable.Range(0, 20).Select(_ => _http.GetByteArrayAsync($"/experiments/{id}/servers/host0")).ToList();
        var entityAsked = Send(HttpMethod.Get, $"/experiments/{id}/entities/host0");
        var query = _coordinator.ExpectMsg<QueryServers>();
        await Task.Delay(300);

        // act
        _coordinator.Reply(new ServersSnapshot(query.QueryId, 5_000, Encoded(8)));
        var answers = await Task.WhenAll(burst);
        var entity = await entityAsked;

        // assert
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(50));   // within SnapshotFreshness: no second snapshot
        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.Contains("\"simulated_time_ps\":5000", System.Text.Encoding.UTF8.GetString(answers[0]));
        Assert.Equal(8, entity.Body.GetProperty("components").GetProperty("host0").GetProperty("counters").GetProperty("cores").GetInt64());
    }

    [Fact]
    public async Task A_query_once_a_running_experiment_has_completed_must_show_its_results_not_the_snapshot_before()
    {
        // arrange: a snapshot, which later queries reuse while it is fresh
        var id = await Submitted();
        _coordinator.ExpectMsg<StartExperiment>();
        var first = Cores(id);
        var query = _coordinator.ExpectMsg<QueryServers>();
        _coordinator.Reply(new ServersSnapshot(query.QueryId, 5_000, Encoded(8)));
        var live = await first;

        // act
        await Complete(id, Encoded(16));
        var final = await Send(HttpMethod.Get, $"/experiments/{id}/servers/host0");

        // assert
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(50));   // the results are the registry's: the cluster is not asked again
        Assert.Equal(8, live);
        Assert.Equal(16, final.Body.GetProperty("servers")[0].GetProperty("cores").GetInt64());
        Assert.Equal(1_000_000_000, final.Body.GetProperty("simulated_time_ps").GetInt64());
    }

    [Fact]
    public async Task A_finished_experiments_counters_must_be_read_from_its_counters_file_and_only_one_experiment_kept_decoded()
    {
        // arrange: the first completes; its counters file is then changed behind the service's back
        var first = await Submitted();
        var second = await Submitted();
        _coordinator.ExpectMsg<StartExperiment>();
        await Complete(first, Encoded(8));
        _coordinator.ExpectMsg<StartExperiment>();
        var counters = Path.Combine(_folder, first + ".counters");
        var beforeChange = await Cores(first);
        await File.WriteAllBytesAsync(counters, Encoded(16));

        // act
        var whileCached = await Cores(first);
        await Complete(second, Encoded(4));
        var secondCores = await Cores(second);
        var afterSecond = await Cores(first);

        // assert: the first's counters are decoded again from disk once the second's took their place
        Assert.Equal((8L, 8L, 4L, 16L), (beforeChange, whileCached, secondCores, afterSecond));
        Assert.False(File.Exists(counters + ".partial"));
        Assert.DoesNotContain(first + ".counters", Directory.GetFiles(Path.Combine(_folder, first)).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Captures_must_be_listed_and_served_by_their_path_and_no_other_path_must_lead_out_of_the_result_folder()
    {
        // arrange
        var id = await Submitted();
        _coordinator.ExpectMsg<StartExperiment>();
        await Complete(id, Encoded(8, capture: true));
        await File.WriteAllTextAsync(Path.Combine(_folder, "secret.txt"), "TOP-SECRET-CONTENT");

        // act
        var files = (await Send(HttpMethod.Get, $"/experiments/{id}/results")).Body.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("href").GetString()!);
        var capture = await _http.GetByteArrayAsync(files["pcap/leaf0-to-host0.pcap"]);
        string[] escapes =
        [
            "..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "pcap%2Fleaf0-to-host0.pcap", "pcap/..%2F..%2Fsecret.txt", "pcap%2F..%2F..%2Fsecret.txt",
            "%2Fetc%2Fpasswd", "/etc/passwd", "pcap", "pcap/", "pcap/%2E%2E%2F%2E%2E%2Fsecret.txt", $"..%2F{id}.counters", "%5C..%5Csecret.txt",
        ];
        var refused = new List<(string Path, HttpStatusCode Status, string Body)>();
        foreach (var path in escapes)
        {
            using var response = await _http.GetAsync(new Uri($"{_service.Address}experiments/{id}/results/{path}"));
            refused.Add((path, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        // assert
        Assert.Equal(Results.ResultFiles.Names.Append("pcap/leaf0-to-host0.pcap").Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, id, "pcap", "leaf0-to-host0.pcap")), capture);
        Assert.All(refused, r => Assert.True(r.Status == HttpStatusCode.NotFound && !r.Body.Contains("TOP-SECRET", StringComparison.Ordinal)
            && !r.Body.Contains("\"cores\"", StringComparison.Ordinal), $"{r.Path}: {r.Status} {r.Body}"));
    }
}
