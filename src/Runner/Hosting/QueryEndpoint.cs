using System.Text.Json;
using Akka.Actor;
using DcSim.Runner.Service;
using DcSim.SimCore.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
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
        builder.Services.AddProblems();
        var app = builder.Build();
        var endpoint = new QueryEndpoint(app);
        app.MapGet("/servers", async (HttpContext http) => await endpoint.Answer(http, c => EntityViews.Servers(c, null)));
        app.MapGet("/servers/{name}", async (HttpContext http, string name) => await endpoint.Answer(http, c => EntityViews.Servers(c, name)));
        app.MapGet("/entities/{**path}", async (HttpContext http, string path) => await endpoint.Answer(http, c => EntityViews.Entities(c, path)));
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

    private async Task Answer(HttpContext http, Func<SortedDictionary<string, ComponentCounters>, EntityViews.Answered> answer)
    {
        if (_coordinator is not { } coordinator)
        {
            await Problem(http, StatusCodes.Status503ServiceUnavailable, "the run is starting");
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

    private static Task Problem(HttpContext http, int status, string detail) => Problems.Of(status, detail).ExecuteAsync(http);

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
