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
internal sealed class QueryEndpoint(WebApplication app) : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static long _nextQuery;

    public static async Task<QueryEndpoint> StartAsync(string url, IActorRef coordinator)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/servers", async (HttpContext http) => await Answer(http, coordinator, null));
        app.MapGet("/servers/{name}", async (HttpContext http, string name) => await Answer(http, coordinator, name));
        await app.StartAsync();
        return new QueryEndpoint(app);
    }

    private static async Task Answer(HttpContext http, IActorRef coordinator, string? name)
    {
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
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
