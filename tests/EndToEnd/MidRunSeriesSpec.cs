using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The series of components (a TCP flow's cwnd trace, an incast generator's rounds) in a snapshot of a running experiment: `dcsim node
/// --http` holds determinism.conf at 1.55 ms, where the series so far must be those of `dcsim run`'s series.csv up to that time, and the
/// results downloaded after the run must be byte-identical to `dcsim run`'s.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class MidRunSeriesSpec : IDisposable
{
    private const string ScenarioPath = "config/scenarios/determinism.conf";
    private const long HeldAtPs = 1_550_000_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly string _experiments = Scratch.Directory("series");
    private readonly int _http = Dcsim.FreePort();
    private readonly Dcsim.Background _node;
    private readonly HttpClient _client;

    public MidRunSeriesSpec()
    {
        _node = Dcsim.StartCapturing("node", "--port", "0", "--http", _http.ToString(), "--experiments", _experiments);
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_http}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public void Dispose()
    {
        _client.Dispose();
        _node.Dispose();
    }

    private Task<JsonElement> Json(HttpMethod method, string path, HttpStatusCode expected = HttpStatusCode.OK, HttpContent? content = null) =>
        ServiceRequests.Json(_client, method, path, expected, content);

    /// <summary>The points of every series of a /series answer, as series,time_ps,value rows (series.csv's).</summary>
    private static List<string> Rows(JsonElement answer) =>
        [.. answer.GetProperty("series").EnumerateObject().SelectMany(s => s.Value.EnumerateArray()
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{s.Name},{p[0].GetInt64()},{p[1].GetInt64()}")))];

    [Fact]
    public async Task A_held_run_must_show_the_cwnd_trace_and_incast_rounds_so_far_and_its_results_must_not_change()
    {
        // arrange
        var local = Scratch.Directory("series-run");
        var run = Dcsim.Run(Patience, "run", Dcsim.RepositoryFile(ScenarioPath), "--out", local, "--journal", "off");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var deadline = DateTime.UtcNow + Patience;
        while (!_node.Stdout.Contains("experiment service http://"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(_node.Stdout + _node.Stderr);
            await Task.Delay(200);
        }
        var scenario = Dcsim.RepositoryFile(ScenarioPath);
        var body = new StringContent(await File.ReadAllTextAsync(scenario), Encoding.UTF8, "text/plain");
        var submitted = await Json(HttpMethod.Post, $"/experiments?partitions=2&paused=true&base={Uri.EscapeDataString(Path.GetDirectoryName(scenario)!)}",
            HttpStatusCode.Created, body);
        var id = submitted.GetProperty("id").GetString()!;

        // act: hold at 1.55 ms and query, then run to the end and download the series
        var held = await Json(HttpMethod.Post, $"/experiments/{id}/run?until=1550us");
        var cwnd = await Json(HttpMethod.Get, $"/experiments/{id}/series?name=cwnd/");
        var incast = await Json(HttpMethod.Get, $"/experiments/{id}/series?name=incast/");
        await Json(HttpMethod.Post, $"/experiments/{id}/resume");
        while (await Json(HttpMethod.Get, $"/experiments/{id}") is var status && status.GetProperty("state").GetString() is not ("completed" or "failed" or "stopped"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(status.GetRawText());
            await Task.Delay(100);
        }
        var downloaded = await _client.GetStringAsync($"/experiments/{id}/results/series.csv");

        // assert: 15 cwnd samples (every 100 us from 100 us) and the one incast round that ended at 1.248 ms, as series.csv has them
        Assert.Equal(HeldAtPs, held.GetProperty("simulated_time_ps").GetInt64());
        Assert.Equal(HeldAtPs, cwnd.GetProperty("simulated_time_ps").GetInt64());
        var final = File.ReadAllLines(Path.Combine(local, "series.csv")).Skip(1).ToList();
        var soFar = final.Where(r => long.Parse(r.Split(',')[1], CultureInfo.InvariantCulture) <= HeldAtPs).ToList();
        Assert.Equal(soFar.Where(r => r.StartsWith("cwnd/", StringComparison.Ordinal)), Rows(cwnd));
        Assert.Equal(15, Rows(cwnd).Count);
        Assert.Equal(["incast/9,47440000,1200758000"], Rows(incast));
        Assert.True(final.Count > soFar.Count, "the trace goes on after the hold");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(local, "series.csv")), downloaded);
        foreach (var file in Directory.GetFiles(local))
            Assert.True(File.ReadAllBytes(file).SequenceEqual(File.ReadAllBytes(Path.Combine(_experiments, id, Path.GetFileName(file)))), Path.GetFileName(file));
    }
}
