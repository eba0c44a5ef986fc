using System.Collections.Concurrent;
using System.Text.Json;
using DcSim.SimCore.Metrics;
using Microsoft.AspNetCore.Http;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace DcSim.Runner.Service;

/// <summary>
/// Counters that queries are answered from (a snapshot of a run, or an experiment's final results), decoded once, with each route's
/// JSON rendered once: a burst of queries on one snapshot costs one decoding and one rendering per route, not one of each per query.
/// </summary>
internal sealed class QueryCounters(string experiment, long simulatedTime, ResultsBuilder results)
{
    /// <summary>Rendered answers kept, in bytes: every server and entity of a large fabric; answers beyond are rendered each time.</summary>
    private const long MaxRenderedBytes = 32L << 20;

    private const string JsonType = "application/json; charset=utf-8";
    private readonly ConcurrentDictionary<string, byte[]> _rendered = new(StringComparer.Ordinal);
    private long _renderedBytes;

    public string Experiment { get; } = experiment;

    /// <summary>
    /// Where an experiment's final counters (a <see cref="ResultsCodec"/> encoding) are kept once its run is over: beside its result
    /// folder, so that the folder holds what `dcsim run` writes and nothing else.
    /// </summary>
    public static string FileOf(string experimentsFolder, string id) => Path.Combine(experimentsFolder, id + ".counters");

    /// <summary>The answer to <paramref name="route"/> (path and query): rendered by <paramref name="view"/> the first time it is asked.</summary>
    public IResult Answer(string route, Func<SortedDictionary<string, ComponentCounters>, ResultsBuilder, EntityViews.Answered> view)
    {
        if (_rendered.TryGetValue(route, out var json)) return HttpResults.Bytes(json, JsonType);
        var answer = view(results.Components, results);
        if (answer.Problem is not null) return Problems.Of(answer.Status, answer.Problem);
        var body = new Dictionary<string, object>(StringComparer.Ordinal) { ["experiment"] = Experiment, ["simulated_time_ps"] = simulatedTime };
        foreach (var (key, value) in answer.Body!) body[key] = value;
        json = JsonSerializer.SerializeToUtf8Bytes(body, ExperimentService.Json);
        if (Interlocked.Add(ref _renderedBytes, json.Length) <= MaxRenderedBytes) _rendered.TryAdd(route, json);
        return HttpResults.Bytes(json, JsonType);
    }
}
