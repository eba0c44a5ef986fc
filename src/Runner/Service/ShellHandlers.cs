using System.Text.Json;
using System.Text.RegularExpressions;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Units;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static DcSim.SimCore.Cluster.WindowProtocol;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace DcSim.Runner.Service;

/// <summary>
/// The routes the shell drives a run with (docs/shell.md): run on and hold at a simulated time, and apply an action (ping, iperf,
/// migrate) where the run holds. Each is an event in virtual time, so a session of them is reproducible.
/// </summary>
internal sealed partial class ShellHandlers(Func<object, Task<object>> askRegistry, Func<object, IResult> refusal)
{
    /// <summary>The actions the model takes, with the names of servers or VMs each starts with (checked against the topology: 404).</summary>
    public static readonly IReadOnlyDictionary<string, int> ActionVerbs = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["ping"] = 2, ["iperf"] = 2, ["migrate"] = 2,
    };

    /// <summary>The body of POST /experiments/{id}/actions.</summary>
    internal sealed record ActionRequest(string Verb, string[] Args);

    public void Map(RouteGroupBuilder experiments)
    {
        experiments.MapPost("/{id}/run", (string id, string? until, string? @for) => RunUntil(id, until, @for))
            .WithSummary("Run on and hold at simulated time `until`, or `for` a duration past where the run is (10ms, 1.5us); answers once held");
        experiments.MapPost("/{id}/actions", Act).Accepts<ActionRequest>("application/json")
            .WithSummary("Apply an action where the run holds: {\"verb\": \"ping\" | \"iperf\" | \"migrate\", \"args\": [...]}; its counters' paths in `entities`");
    }

    private async Task<IResult> RunUntil(string id, string? until, string? @for)
    {
        if ((until is null) == (@for is null))
            return ExperimentHandlers.Problem(StatusCodes.Status400BadRequest, "give exactly one of the queries until (a simulated time) and for (a duration)");
        var (name, text) = until is null ? ("for", @for!) : ("until", until);
        if (!QuantityParser.TryParseTime(text, out var ps, out var error))
            return ExperimentHandlers.Problem(StatusCodes.Status400BadRequest, $"query {name}: {error}");
        if (ps <= 0) return ExperimentHandlers.Problem(StatusCodes.Status400BadRequest, $"query {name}: expected a time after 0, got '{text}'");
        return await askRegistry(until is null ? new RunExperimentUntil(id, null, ps) : new RunExperimentUntil(id, ps, null)) switch
        {
            ExperimentView view => HttpResults.Json(view, ExperimentService.Json),
            var other => refusal(other),
        };
    }

    private async Task<IResult> Act(HttpContext http, string id)
    {
        if (http.Request.ContentType?.Split(';')[0].Trim() is not "application/json")
            return ExperimentHandlers.Problem(StatusCodes.Status415UnsupportedMediaType,
                $"an action is JSON ({{\"verb\": \"ping\", \"args\": [\"host0\", \"host1\"]}}) sent as application/json, not {http.Request.ContentType ?? "no type"}");
        var (request, problem) = await Read(http);
        if (problem is not null) return ExperimentHandlers.Problem(StatusCodes.Status400BadRequest, problem);
        if (await askRegistry(new GetScenario(id)) is not ExperimentScenario scenario) return refusal(new ExperimentNotFound(id));
        var graph = FabricGraph.Of(scenario.Scenario.Datacenter().Topology);
        var servers = Enumerable.Range(0, graph.ServerCount).Select(graph.NameOf).ToHashSet(StringComparer.Ordinal);
        // A path names its server first (host3/kvm-0); a bare name is a server (hostN) or a VM or container the model knows (kvm-0).
        foreach (var name in request!.Args.Take(ActionVerbs[request.Verb]))
            if ((name.Contains('/') || ServerName().IsMatch(name)) && !servers.Contains(name.Split('/')[0]))
                return ExperimentHandlers.Problem(StatusCodes.Status404NotFound,
                    $"{request.Verb}: no server '{name.Split('/')[0]}' (the servers are host0 to host{graph.ServerCount - 1})");
        return await askRegistry(new ApplyExperimentAction(id, request.Verb, request.Args)) switch
        {
            DirectiveApplied { Accepted: true } d => HttpResults.Json(new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["id"] = d.Id, ["accepted"] = true, ["simulated_time_ps"] = d.SimulatedTime, ["detail"] = d.Detail, ["entities"] = d.Entities,
            }, ExperimentService.Json),
            DirectiveApplied d => ExperimentHandlers.Problem(StatusCodes.Status400BadRequest, $"{request.Verb} {string.Join(' ', request.Args)}: {d.Detail}",
                new() { ["simulated_time_ps"] = d.SimulatedTime }),
            var other => refusal(other),
        };
    }

    [GeneratedRegex("^host[0-9]+$")]
    private static partial Regex ServerName();

    /// <summary>The action, or why the body is not one.</summary>
    private static async Task<(ActionRequest?, string?)> Read(HttpContext http)
    {
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted)).RootElement;
        }
        catch (JsonException ex)
        {
            return (null, $"the body is not JSON: {ex.Message}");
        }
        if (body.ValueKind != JsonValueKind.Object) return (null, "the body must be a JSON object {\"verb\": ..., \"args\": [...]}");
        foreach (var property in body.EnumerateObject())
            if (property.Name is not ("verb" or "args")) return (null, $"unknown key '{property.Name}': an action has verb and args");
        if (!body.TryGetProperty("verb", out var verb) || verb.ValueKind != JsonValueKind.String)
            return (null, $"verb: expected one of {string.Join(", ", ActionVerbs.Keys)}");
        if (!ActionVerbs.TryGetValue(verb.GetString()!, out var names))
            return (null, $"verb: unknown action '{verb.GetString()}'; expected one of {string.Join(", ", ActionVerbs.Keys)}");
        var args = body.TryGetProperty("args", out var a) ? a : default;
        if (args.ValueKind != JsonValueKind.Array || args.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            return (null, "args: expected an array of strings");
        var list = args.EnumerateArray().Select(x => x.GetString()!).ToArray();
        if (list.Length < names)
            return (null, $"{verb.GetString()}: expected {names} names (servers like host0, or VMs and containers like host3/kvm-0), got {list.Length}");
        return (new ActionRequest(verb.GetString()!, list), null);
    }
}
