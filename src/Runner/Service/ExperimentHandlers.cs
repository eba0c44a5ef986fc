using System.Diagnostics;
using System.Globalization;
using System.Text;
using Akka.Actor;
using DcSim.Runner.Commands;
using DcSim.Runner.Results;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static DcSim.SimCore.Cluster.WindowProtocol;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace DcSim.Runner.Service;

/// <summary>The routes of the <see cref="ExperimentService"/>, each asking the actor that owns what it shows.</summary>
internal sealed class ExperimentHandlers(IActorRef registry, string experimentsFolder, string baseDirectory)
{
    /// <summary>The largest scenario accepted: what the scenario reader reads from a file (a scenario is a few kilobytes).</summary>
    public const int MaxScenarioBytes = ScenarioLoader.MaxChars;

    /// <summary>Media types a scenario may be sent as (HOCON is text).</summary>
    public static readonly string[] ScenarioMediaTypes = ["text/plain", "application/hocon", "text/hocon", "application/x-hocon"];

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static long _nextQuery;
    private readonly Lock _snapshotGate = new();
    private Task<QueryCounters?>? _snapshot;
    /// <summary>Which experiment <see cref="_snapshot"/> belongs to, and when (Stopwatch ticks) it was answered.</summary>
    private string? _snapshotOf;
    private long? _snapshotCut;
    private ListingQuery? _snapshotListing;
    private long _snapshotAnsweredAt;
    /// <summary>The registry's last answer that an experiment runs, kept while its <see cref="LocationToken"/> holds.</summary>
    private (string Experiment, LiveExperiment Live)? _located;
    /// <summary>The final counters of the experiment last asked about once over: one decoded at a time, they never change.</summary>
    private Task<QueryCounters>? _final;
    private string? _finalOf;

    /// <summary>
    /// Lines of each listing unless the query says (limit), and the most it may say: a vSwitch's line is some 200 bytes, and a snapshot
    /// crosses processes in one remoting frame (16 MiB).
    /// </summary>
    internal const int DefaultListingLines = 1000, MaxListingLines = 10_000;

    /// <summary>More partitions than any fabric has racks would only make the coordinator allocate per-partition state for nothing.</summary>
    internal const int MaxPartitions = 4096;

    /// <summary>
    /// How long a snapshot answers later queries: each one costs every partition a copy of its counters between two windows, which
    /// at a thousand queries a second more than doubled a run's wall time; a query shows the simulated time its answer holds.
    /// </summary>
    internal static readonly TimeSpan SnapshotFreshness = TimeSpan.FromMilliseconds(100);

    public void Map(IEndpointRouteBuilder app)
    {
        var experiments = app.MapGroup("/experiments");
        experiments.MapPost("", Submit).Accepts<string>(ScenarioMediaTypes[0], ScenarioMediaTypes[1..])
            .WithSummary("Submit a scenario (HOCON body); query seed, partitions, name, file (shown in problems), base (where relative paths resolve), paused=true (hold at time 0)");
        experiments.MapGet("", async () => HttpResults.Json(await AskRegistry(ListExperiments.Instance), ExperimentService.Json))
            .WithSummary("Every experiment, in the order submitted");
        experiments.MapGet("/{id}", (string id) => View(new GetExperiment(id))).WithSummary("An experiment's state and progress");
        experiments.MapPost("/{id}/pause", (string id) => View(new ControlExperiment(id, ExperimentAction.Pause)))
            .WithSummary("Hold the run at its next window barrier");
        experiments.MapPost("/{id}/resume", (string id) => View(new ControlExperiment(id, ExperimentAction.Resume))).WithSummary("Resume a paused run");
        experiments.MapPost("/{id}/stop", (string id) => View(new ControlExperiment(id, ExperimentAction.Stop)))
            .WithSummary("Abandon the experiment: no results");
        experiments.MapGet("/{id}/servers", (HttpContext http, string id) => Counters(http, id, (all, _) => EntityViews.Servers(all, null)))
            .WithSummary("Every server: CPU counters, components, VMs and containers");
        experiments.MapGet("/{id}/servers/{name}", (HttpContext http, string id, string name) => Counters(http, id, (all, _) => EntityViews.Servers(all, name)))
            .WithSummary("One server");
        experiments.MapGet("/{id}/entities/{**path}", (HttpContext http, string id, string? path, string? listings, string? limit) =>
                Entities(http, id, path, listings, limit))
            .WithSummary("The component at a path and every component under it; listings=true adds the tables they keep (a vSwitch: its "
                + $"OpenFlow rules and datapath flows, as OVS prints them), at most limit lines each (default {DefaultListingLines})");
        experiments.MapGet("/{id}/topology", async (string id) => await AskRegistry(new GetScenario(id)) switch
            {
                ExperimentScenario s => HttpResults.Json(TopologyView.Render(s.Id, s.Scenario), ExperimentService.Json),
                var other => Refusal(other),
            })
            .WithSummary("The fabric: switches with their tier, servers with their switch, links with rate, delay and queue");
        experiments.MapGet("/{id}/links", (HttpContext http, string id) => Counters(http, id, (_, results) => EntityViews.Links(results)))
            .WithSummary("Every link direction: packets, bytes, busy time, queue and drops so far (utilisation: busy_ps over simulated_time_ps)");
        experiments.MapGet("/{id}/series", (HttpContext http, string id, string? name) => Counters(http, id, (_, results) => Series(results, name ?? "")))
            .WithSummary("Time series whose name starts with the prefix `name`");
        experiments.MapGet("/{id}/results", (string id) => ResultList(id)).WithSummary("The result files of a completed experiment");
        experiments.MapGet("/{id}/results/{**file}", (string id, string file) => ResultFile(id, file))
            .WithSummary("Download one result file (a capture by its path: pcap/NAME.pcap)");
        new ShellHandlers(AskRegistry, Refusal).Map(experiments);
    }

    private async Task<object> AskRegistry(object message) => await registry.Ask<object>(message, AskTimeout);

    private async Task<IResult> View(object message) => await AskRegistry(message) switch
    {
        ExperimentView view => HttpResults.Json(view, ExperimentService.Json),
        var other => Refusal(other),
    };

    private static IResult Refusal(object answer) => answer switch
    {
        ExperimentNotFound n => Problem(StatusCodes.Status404NotFound, $"no experiment '{n.Id}'"),
        ExperimentRefused r => Problem(StatusCodes.Status409Conflict, r.Detail, new() { ["state"] = r.Experiment.State.Name() }),
        _ => Problem(StatusCodes.Status500InternalServerError, $"unexpected answer {answer.GetType().Name}"),
    };

    public static IResult Problem(int status, string detail, Dictionary<string, object?>? extensions = null) => Problems.Of(status, detail, extensions);

    private async Task<IResult> Submit(HttpContext http, string? seed, string? partitions, string? name, string? file, string? @base, string? paused)
    {
        if (MediaTypeProblem(http) is { } refused) return refused;
        ulong? seedValue = null;
        if (seed is not null)
        {
            if (!ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
                return Problem(StatusCodes.Status400BadRequest, $"query seed: expected a non-negative integer, got '{seed}'");
            seedValue = s;
        }
        int? partitionCount = null;
        if (partitions is not null)
        {
            if (!int.TryParse(partitions, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > MaxPartitions)
                return Problem(StatusCodes.Status400BadRequest, $"query partitions: expected an integer from 1 to {MaxPartitions}, got '{partitions}'");
            partitionCount = p;
        }
        if (paused is not (null or "true" or "false"))
            return Problem(StatusCodes.Status400BadRequest, $"query paused: expected true or false, got '{paused}'");
        var directory = @base ?? baseDirectory;
        if (!Path.IsPathFullyQualified(directory) || !Directory.Exists(directory))
            return Problem(StatusCodes.Status400BadRequest, $"query base: '{directory}' is not an existing absolute directory on the server");
        var (body, problem) = await ReadScenario(http);
        if (body is null) return problem!;

        ScenarioSettings scenario;
        try
        {
            scenario = ScenarioLoader.Parse(body, file ?? "scenario.conf", directory, ActorsHost.FabricModel.Instance, seedValue,
                ScenarioFile.Checks(force: false), out _);
        }
        catch (ScenarioException ex)
        {
            return ScenarioProblem(ex);
        }
        var view = (ExperimentView)await AskRegistry(new SubmitExperiment(scenario, directory, partitionCount, name, paused == "true"));
        http.Response.Headers.Location = $"/experiments/{Uri.EscapeDataString(view.Id)}";
        return HttpResults.Json(view, ExperimentService.Json, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>415 when the request says its body is something other than HOCON text; null when it is (or says nothing).</summary>
    internal static IResult? MediaTypeProblem(HttpContext http) =>
        http.Request.ContentType is { } type && !ScenarioMediaTypes.Contains(type.Split(';')[0].Trim(), StringComparer.OrdinalIgnoreCase)
            ? Problem(StatusCodes.Status415UnsupportedMediaType, $"a scenario is HOCON text: send it as {string.Join(", ", ScenarioMediaTypes)}, not {type}")
            : null;

    /// <summary>The scenario text of the body, or the problem with it: too large (413) or empty (400).</summary>
    internal static async Task<(string? Text, IResult? Problem)> ReadScenario(HttpContext http)
    {
        if (http.Request.ContentLength > MaxScenarioBytes) return (null, TooLarge());
        var body = await ReadBounded(http.Request.Body, http.RequestAborted);
        if (body is null) return (null, TooLarge());
        // Every key has a default, so an empty scenario is valid; an empty request is a mistake (a file not attached).
        return string.IsNullOrWhiteSpace(body) ? (null, Problem(StatusCodes.Status400BadRequest, "the request has no scenario: send its HOCON as the body")) : (body, null);
    }

    /// <summary>400 listing each of the scenario's problems as FILE:LINE: KEY: MESSAGE.</summary>
    internal static IResult ScenarioProblem(ScenarioException ex) =>
        Problem(StatusCodes.Status400BadRequest, $"the scenario has {ex.Errors.Count} problem(s); the first: {ex.Errors[0]}",
            new() { ["errors"] = ex.Errors.Select(e => e.ToString()).ToArray() });

    private static IResult TooLarge() => Problem(StatusCodes.Status413PayloadTooLarge,
        $"the scenario is larger than the limit of {MaxScenarioBytes} bytes (a scenario is a few kilobytes)", new() { ["limit_bytes"] = MaxScenarioBytes });

    /// <summary>The body as UTF-8 text, or null when it is longer than <see cref="MaxScenarioBytes"/> (sent without a length).</summary>
    private static async Task<string?> ReadBounded(Stream body, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxScenarioBytes) return null;
        }
        return new UTF8Encoding(false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// GET entities/PATH, with the listings of the components there when asked (listings=true): a snapshot of its own, taken only for
    /// such a query, as listings cost every line of every table while counters cost nothing.
    /// </summary>
    private Task<IResult> Entities(HttpContext http, string id, string? path, string? listings, string? limit)
    {
        if (string.IsNullOrEmpty(path))
            return Task.FromResult(Problem(StatusCodes.Status400BadRequest, "entities/PATH needs the path of an entity or component, e.g. host0/vswitch"));
        if (listings is not (null or "true" or "false"))
            return Task.FromResult(Problem(StatusCodes.Status400BadRequest, $"query listings: expected true or false, got '{listings}'"));
        var lines = DefaultListingLines;
        if (limit is not null && listings != "true")
            return Task.FromResult(Problem(StatusCodes.Status400BadRequest, "query limit: bounds the lines of each listing, so it needs listings=true"));
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out lines) || lines < 1 || lines > MaxListingLines))
            return Task.FromResult(Problem(StatusCodes.Status400BadRequest, $"query limit: expected an integer from 1 to {MaxListingLines}, got '{limit}'"));
        return listings == "true"
            ? Counters(http, id, (all, results) => EntityViews.Entities(all, path, results.Listings), (path.TrimEnd('/'), lines))
            : Counters(http, id, (all, _) => EntityViews.Entities(all, path));
    }

    /// <summary>
    /// Answers from the experiment's counters: a snapshot the partitions take between two windows while it runs, its results once
    /// the run is over (also when it ends between the two questions asked here). Final results already decoded answer without asking the
    /// registry.
    /// </summary>
    /// <param name="listing">The path and line limit of the listings the snapshot must carry; null for counters only.</param>
    private async Task<IResult> Counters(HttpContext http, string id, Func<SortedDictionary<string, ComponentCounters>, ResultsBuilder, EntityViews.Answered> view,
        (string Path, int Limit)? listing = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var counters = listing is null ? Decoded(id) : null;
            if (counters is null)
            {
                var located = await Locate(id);
                if (located is FinishedExperiment && listing is not null)
                    return Problem(StatusCodes.Status409Conflict, $"experiment {id} has completed: listings are taken from its run while it goes on "
                        + "or holds, and its results keep the counters only (ask without listings=true)");
                counters = located switch
                {
                    FinishedExperiment f => await Final(id, f),
                    LiveExperiment live => await Snapshot(id, live.Coordinator, live.Cut, live.HeldAt,
                        listing is { } l ? new ListingQuery(l.Path, l.Limit, live.HeldAt ?? -1) : null),
                    _ => null,
                };
                if (located is not (FinishedExperiment or LiveExperiment)) return Refusal(located);
            }
            if (counters is null)
            {
                lock (_snapshotGate) _located = null;
                if (attempt == 0) continue;   // the run ended meanwhile: its results are there now
                http.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status503ServiceUnavailable,
                    $"experiment {id} has no counters at this moment (its partitions are being built, or its run has just ended): try again");
            }
            return counters.Answer(http.Request.Path + http.Request.QueryString, view);
        }
    }

    /// <summary>
    /// Where the experiment's counters are: the registry's last answer that it runs while that answer holds, else the registry's answer
    /// now. At a thousand queries a second an Ask each cost the service as much as rendering the answers (docs/benchmarks.md).
    /// </summary>
    private async Task<object> Locate(string id)
    {
        lock (_snapshotGate)
            if (_located is { } known && known.Experiment == id && !known.Live.Location.Expired) return known.Live;
        var located = await AskRegistry(new LocateExperiment(id));
        if (located is LiveExperiment live) lock (_snapshotGate) _located = (id, live);
        return located;
    }

    /// <summary>The experiment's final counters when they are the ones decoded (a live snapshot is only used once the registry says the run goes on).</summary>
    private QueryCounters? Decoded(string experiment)
    {
        lock (_snapshotGate) return _final is { IsCompletedSuccessfully: true, Result: { } final } && final.Experiment == experiment ? final : null;
    }

    /// <summary>The final counters, decoded once: from the registry while the result files are written, then from the counters file.</summary>
    private Task<QueryCounters> Final(string experiment, FinishedExperiment finished)
    {
        lock (_snapshotGate)
        {
            if (_final is { IsFaulted: false } last && _finalOf == experiment) return last;
            _finalOf = experiment;
            return _final = Task.Run(() => new QueryCounters(experiment, finished.SimulatedTime,
                ResultsCodec.Decode(finished.Results ?? File.ReadAllBytes(QueryCounters.FileOf(experimentsFolder, experiment)))));
        }
    }

    /// <summary>
    /// The coordinator's merged snapshot, decoded, or null when no run is going on any more. Requests that come while one is being
    /// fetched share it, and so do those within <see cref="SnapshotFreshness"/> after it was answered: a burst of queries asks the
    /// cluster once and decodes once (the views only read it).
    /// </summary>
    /// <remarks>
    /// <paramref name="cut"/>: which hold of the run the query is asked at (null while it runs); a snapshot of another one is never reused,
    /// so what the shell asks right after running on or applying an action shows that. <paramref name="heldAt"/>: the time the run holds
    /// at, which the counters show (an idle partition's own clock may be earlier).
    /// </remarks>
    private Task<QueryCounters?> Snapshot(string experiment, IActorRef coordinator, long? cut, long? heldAt, ListingQuery? listing)
    {
        lock (_snapshotGate)
        {
            // A snapshot with listings answers queries for counters too; one for other listings, or none, is fetched anew.
            if (_snapshot is { } last && _snapshotOf == experiment && _snapshotCut == cut && (listing is null || listing == _snapshotListing)
                && (!last.IsCompleted || last is { IsCompletedSuccessfully: true, Result: not null } && Stopwatch.GetElapsedTime(_snapshotAnsweredAt) < SnapshotFreshness))
                return last;
            _snapshotOf = experiment;
            _snapshotCut = cut;
            _snapshotListing = listing;
            return _snapshot = Fetch(experiment, coordinator, heldAt, listing);
        }
    }

    private async Task<QueryCounters?> Fetch(string experiment, IActorRef coordinator, long? heldAt, ListingQuery? listing)
    {
        var snapshot = await coordinator.Ask<ServersSnapshot>(new QueryServers(Interlocked.Increment(ref _nextQuery), listing), AskTimeout);
        lock (_snapshotGate) _snapshotAnsweredAt = Stopwatch.GetTimestamp();
        return snapshot.SimulatedTime < 0 ? null : new QueryCounters(experiment, heldAt ?? snapshot.SimulatedTime, ResultsCodec.Decode(snapshot.Results));
    }

    /// <summary>The series whose name starts with <paramref name="prefix"/>, each as [time_ps, value] pairs.</summary>
    private static EntityViews.Answered Series(ResultsBuilder results, string prefix)
    {
        var series = results.Series.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => (object)s.Value.Select(p => new[] { p.Time, p.Value }).ToList(), StringComparer.Ordinal);
        return new EntityViews.Answered(StatusCodes.Status200OK, new Dictionary<string, object> { ["prefix"] = prefix, ["series"] = series });
    }

    private async Task<IResult> ResultList(string id)
    {
        if (await CompletedFolder(id) is not { } folder) return Refusal(await AskRegistry(new GetExperiment(id)) is ExperimentView v
            ? new ExperimentRefused(v, $"experiment {id} is {v.State.Name()}: results are there once it has completed")
            : new ExperimentNotFound(id));
        var files = ResultFilesIn(folder).Select(f => new Dictionary<string, object>
            { ["name"] = f.Key, ["bytes"] = f.Value.Length, ["href"] = $"/experiments/{id}/results/{f.Key}" });
        return HttpResults.Json(new Dictionary<string, object> { ["experiment"] = id, ["files"] = files.ToList() }, ExperimentService.Json);
    }

    private async Task<IResult> ResultFile(string id, string file)
    {
        if (await CompletedFolder(id) is not { } folder) return await ResultList(id);
        // Only a file the list shows, by its exact name: no path leads out of the folder.
        if (!ResultFilesIn(folder).TryGetValue(file, out var match)) return Problem(StatusCodes.Status404NotFound, $"experiment {id} has no result file '{file}'");
        var type = match.Extension switch { ".json" => "application/json", ".csv" => "text/csv", _ => "application/octet-stream" };
        return HttpResults.File(match.FullName, type, match.Name);
    }

    /// <summary>The result files of a folder and its captures, by name in order: summary.json, ..., pcap/NAME.pcap.</summary>
    private static SortedDictionary<string, FileInfo> ResultFilesIn(string folder)
    {
        var files = new SortedDictionary<string, FileInfo>(StringComparer.Ordinal);
        foreach (var f in new DirectoryInfo(folder).GetFiles()) files[f.Name] = f;
        var captures = new DirectoryInfo(Path.Combine(folder, ResultFiles.PcapFolder));
        if (captures.Exists)
            foreach (var f in captures.GetFiles("*.pcap")) files[$"{ResultFiles.PcapFolder}/{f.Name}"] = f;
        return files;
    }

    private async Task<string?> CompletedFolder(string id) =>
        await AskRegistry(new GetExperiment(id)) is ExperimentView { State: ExperimentState.Completed } ? Path.Combine(experimentsFolder, id) : null;
}
