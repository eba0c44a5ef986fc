using System.Text.Json;
using Akka.Actor;
using DcSim.ActorsHost.Endpoints;
using DcSim.SimCore.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// HTTP endpoints that query a running experiment through the coordinator (loopback by default):
/// <c>GET /servers</c> and <c>GET /servers/{name}</c> return the servers' CPU counters, the counters of their components
/// and the VMs and containers they hold; <c>GET /entities/{path}</c> the counters of one component ("host3/kvm-0/stack")
/// or of every component under a path ("host3/kvm-0"). Counters are as the partitions hold them between two windows,
/// with the simulated time they correspond to. Errors are RFC 9457 problem details.
/// </summary>
/// <remarks>
/// The endpoint is bound before the cluster starts, so that an address in use is reported at once and
/// nothing is simulated; until <see cref="Serve"/> hands it the coordinator it answers 503.
/// </remarks>
internal sealed class QueryEndpoint : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static long _nextQuery;
    private readonly WebApplication _app;
    private volatile IActorRef? _coordinator;

    private QueryEndpoint(WebApplication app) => _app = app;

    /// <summary>Binds <paramref name="url"/>; throws <see cref="EndpointBindException"/> when it cannot.</summary>
    public static async Task<QueryEndpoint> StartAsync(string url)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new QueryEndpoint(app);
        app.MapGet("/servers", async (HttpContext http) => await endpoint.Answer(http, c => Servers(c, null)));
        app.MapGet("/servers/{name}", async (HttpContext http, string name) => await endpoint.Answer(http, c => Servers(c, name)));
        app.MapGet("/entities/{**path}", async (HttpContext http, string path) => await endpoint.Answer(http, c => Entities(c, path)));
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new EndpointBindException($"cannot serve {url}: {ex.InnerException?.Message ?? ex.Message}");
        }
        return endpoint;
    }

    /// <summary>Starts answering queries through <paramref name="coordinator"/>.</summary>
    public void Serve(IActorRef coordinator) => _coordinator = coordinator;

    /// <summary>An answer: a status and either a body or, for an error, the problem's detail.</summary>
    internal sealed record Answered(int Status, Dictionary<string, object>? Body, string? Problem = null);

    private async Task Answer(HttpContext http, Func<SortedDictionary<string, ComponentCounters>, Answered> answer)
    {
        if (_coordinator is not { } coordinator)
        {
            await Problem(http, StatusCodes.Status503ServiceUnavailable, "the cluster is starting");
            return;
        }
        ServersSnapshot snapshot;
        try
        {
            snapshot = await coordinator.Ask<ServersSnapshot>(new QueryServers(Interlocked.Increment(ref _nextQuery)), AskTimeout, http.RequestAborted);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            await Problem(http, StatusCodes.Status503ServiceUnavailable, "the experiment did not answer in time");
            return;
        }
        if (snapshot.SimulatedTime < 0)
        {
            await Problem(http, StatusCodes.Status409Conflict, "no experiment is running");
            return;
        }
        var a = answer(ResultsCodec.Decode(snapshot.Results).Components);
        if (a.Problem is not null) await Problem(http, a.Status, a.Problem);
        else await Json(http, a.Status, "application/json", new Dictionary<string, object> { ["simulated_time_ps"] = snapshot.SimulatedTime }.Concat(a.Body!)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
    }

    /// <summary>Every server, or the one named <paramref name="name"/> (404 when there is none).</summary>
    internal static Answered Servers(SortedDictionary<string, ComponentCounters> all, string? name)
    {
        var servers = all.Values.Where(c => c.Kind == "server" && (name is null || c.Path == name)).Select(c => RenderServer(c, all)).ToList();
        return name is not null && servers.Count == 0
            ? new Answered(StatusCodes.Status404NotFound, null, $"no server named '{name}'")
            : new Answered(StatusCodes.Status200OK, new Dictionary<string, object> { ["servers"] = servers });
    }

    /// <summary>
    /// The component at <paramref name="path"/> and every component under it, by path with its kind and counters
    /// (404 when there is none).
    /// </summary>
    internal static Answered Entities(SortedDictionary<string, ComponentCounters> all, string path)
    {
        path = path.TrimEnd('/');
        var prefix = path + "/";
        var components = all.Values.Where(c => c.Path == path || c.Path.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(c => c.Path, c => (object)new Dictionary<string, object> { ["kind"] = c.Kind, ["counters"] = c.Values }, StringComparer.Ordinal);
        return components.Count == 0
            ? new Answered(StatusCodes.Status404NotFound, null, $"no entity or component at path '{path}'")
            : new Answered(StatusCodes.Status200OK, new Dictionary<string, object> { ["path"] = path, ["components"] = components });
    }

    /// <summary>
    /// A server's counters; under their names within the server ("vswitch", "nic0", "kvm-0/stack", ...), the counters of
    /// each of its components, so that whatever components a server has appear without code here; and under "entities"
    /// its VMs and containers: name, path, kind, state, start-up time and their components' names.
    /// </summary>
    private static Dictionary<string, object> RenderServer(ComponentCounters server, SortedDictionary<string, ComponentCounters> all)
    {
        var json = new Dictionary<string, object>(StringComparer.Ordinal) { ["name"] = server.Path };
        foreach (var (counter, value) in server.Values) json[counter] = value;
        var prefix = server.Path + "/";
        var mine = all.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        foreach (var (path, component) in mine) json[path[prefix.Length..]] = component.Values;
        json["entities"] = mine.Select(kv => kv.Value).Where(c => c.Kind is "vm" or "container").Select(stack =>
        {
            var entity = EndpointResults.EntityPath(stack.Path);
            return new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["name"] = entity[(entity.LastIndexOf('/') + 1)..],
                ["path"] = entity,
                ["kind"] = stack.Kind,
                ["endpoint"] = stack[EndpointResults.Endpoint],
                ["state"] = EndpointResults.StateName(stack[EndpointResults.State]),
                ["startup_ps"] = stack[EndpointResults.StartupPs],
                ["components"] = mine.Where(kv => kv.Key.StartsWith(entity + "/", StringComparison.Ordinal)).Select(kv => kv.Key[(entity.Length + 1)..]).ToList(),
            };
        }).ToList();
        return json;
    }

    private static Task Problem(HttpContext http, int status, string detail) =>
        Json(http, status, "application/problem+json", new Dictionary<string, object>
        {
            ["type"] = "about:blank",
            ["title"] = ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = http.Request.Path.Value ?? "",
        });

    private static Task Json(HttpContext http, int status, string contentType, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        return http.Response.WriteAsync(JsonSerializer.Serialize(body) + "\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed class EndpointBindException(string message) : Exception(message);
