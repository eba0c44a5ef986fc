using System.Text.Json;
using Akka.Actor;
using DcSim.SimCore.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// HTTP endpoints that query a running experiment through the coordinator (loopback by default):
/// <c>GET /servers</c> and <c>GET /servers/{name}</c> return the servers' CPU and vSwitch counters as
/// the partitions hold them between two windows, with the simulated time they correspond to.
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
        app.MapGet("/servers", async (HttpContext http) => await endpoint.Answer(http, null));
        app.MapGet("/servers/{name}", async (HttpContext http, string name) => await endpoint.Answer(http, name));
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

    private async Task Answer(HttpContext http, string? name)
    {
        if (_coordinator is not { } coordinator)
        {
            await Json(http, StatusCodes.Status503ServiceUnavailable, new { error = "the cluster is starting" });
            return;
        }
        ServersSnapshot snapshot;
        try
        {
            snapshot = await coordinator.Ask<ServersSnapshot>(new QueryServers(Interlocked.Increment(ref _nextQuery)), AskTimeout, http.RequestAborted);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            await Json(http, StatusCodes.Status503ServiceUnavailable, new { error = "the experiment did not answer in time" });
            return;
        }
        if (snapshot.SimulatedTime < 0)
        {
            await Json(http, StatusCodes.Status409Conflict, new { error = "no experiment is running" });
            return;
        }
        var counters = ResultsCodec.Decode(snapshot.Results).Components;
        var servers = counters.Values.Where(c => c.Kind == "server" && (name is null || c.Path == name)).Select(c => Render(c, counters)).ToList();
        if (name is not null && servers.Count == 0)
        {
            await Json(http, StatusCodes.Status404NotFound, new { error = $"no server named '{name}'" });
            return;
        }
        await Json(http, StatusCodes.Status200OK, new { simulated_time_ps = snapshot.SimulatedTime, servers });
    }

    /// <summary>
    /// A server's counters and, under their names within the server ("vswitch", "nic0", ...), the counters of
    /// each of its components: whatever components a server has appear without code here.
    /// </summary>
    private static Dictionary<string, object> Render(ComponentCounters server, SortedDictionary<string, ComponentCounters> all)
    {
        var json = new Dictionary<string, object>(StringComparer.Ordinal) { ["name"] = server.Path };
        foreach (var (counter, value) in server.Values) json[counter] = value;
        var prefix = server.Path + "/";
        foreach (var (path, component) in all)
            if (path.StartsWith(prefix, StringComparison.Ordinal)) json[path[prefix.Length..]] = component.Values;
        return json;
    }

    private static Task Json(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(body) + "\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed class EndpointBindException(string message) : Exception(message);
