using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using DcSim.Runner.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DcSim.Runner.Service;

/// <summary>
/// The experiment service of `dcsim node --http PORT`: ASP.NET Core minimal APIs over the <see cref="ExperimentRegistry"/> (submit,
/// list, status, pause / resume / stop, results) and the coordinator (live counters), with its OpenAPI document at
/// <see cref="OpenApiPath"/>. Every error is an RFC 9457 problem (application/problem+json) whose detail names what is wrong;
/// unknown paths (404) and wrong methods (405) too. See docs/service.md.
/// </summary>
/// <remarks>
/// Handlers Ask the actors that own the state, with a timeout, and never touch the simulation otherwise: a query is answered by the
/// partitions between two windows (a consistent cut) and changes no result byte.
/// </remarks>
internal sealed class ExperimentService : IAsyncDisposable
{
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>The JSON of the service: snake_case names, states as lower-case words. The client reads it with the same options.</summary>
    public static readonly JsonSerializerOptions Json = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private readonly WebApplication _app;

    private ExperimentService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the service listens (the actual port when 0 was asked for).</summary>
    public Uri Address { get; }

    private static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return o;
    }

    /// <summary>Binds http://HOST:PORT; throws <see cref="EndpointBindException"/> when it cannot.</summary>
    /// <param name="baseDirectory">Where relative paths of a submitted scenario resolve unless the request says (query <c>base</c>).</param>
    public static async Task<ExperimentService> StartAsync(string host, int port, IActorRef registry, string experimentsFolder, string baseDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        var url = $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{port}";
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        builder.Services.AddOpenApi();
        builder.Services.AddProblems(Describe);
        var app = builder.Build();
        // An actor that does not answer in time (a member lost, a coordinator moving) is the cluster's trouble, not the request's.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is AskTimeoutException ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.MapOpenApi(OpenApiPath);
        new ExperimentHandlers(registry, experimentsFolder, baseDirectory).Map(app);
        ScenarioValidation.Map(app, baseDirectory);
        WebView.Map(app);
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new EndpointBindException($"cannot serve {url}: {ex.InnerException?.Message ?? ex.Message}");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ExperimentService(app, new Uri(bound));
    }

    /// <summary>Fills in what a problem without a detail (from routing: no such path, wrong method) leaves out.</summary>
    private static void Describe(HttpContext http, Microsoft.AspNetCore.Mvc.ProblemDetails problem, Exception? exception)
    {
        if (problem.Detail is not null) return;
        var request = $"{http.Request.Method} {http.Request.Path}";
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status503ServiceUnavailable => $"{request}: the cluster did not answer in time ({exception?.Message}); try again",
            StatusCodes.Status500InternalServerError => $"{request}: {exception?.GetType().Name}: {exception?.Message}",
            StatusCodes.Status400BadRequest => $"{request}: a value of the route or the query is missing or malformed: see {OpenApiPath}",
            StatusCodes.Status404NotFound => $"no endpoint answers {request}: see {OpenApiPath}",
            StatusCodes.Status405MethodNotAllowed => $"{request}: the method is not allowed here; allowed: {http.Response.Headers.Allow}",
            StatusCodes.Status415UnsupportedMediaType =>
                $"{request}: a scenario is HOCON text: send it as {string.Join(", ", ExperimentHandlers.ScenarioMediaTypes)}, not {http.Request.ContentType}",
            _ => null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
