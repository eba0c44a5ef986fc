using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace DcSim.Runner.Service;

/// <summary>
/// The browser view of the experiment service (docs/webview.md): the live topology of a run and the topology editor, plain HTML,
/// CSS and JavaScript modules embedded in the executable (Service/Web) and served at /ui/; / leads there. The pages only call the
/// JSON API, so the OpenAPI document lists that API and not these routes.
/// </summary>
internal static class WebView
{
    public const string Root = "/ui/";
    private const string ResourcePrefix = "DcSim.Web.";

    /// <summary>Every asset by file name, with its media type, read once: a handful of small text files.</summary>
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Assets = Load();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => HttpResults.Redirect(Root)).ExcludeFromDescription();
        // One route for /ui, /ui/ and /ui/FILE (routing takes /ui and /ui/ for the same path, so the page names its assets by
        // absolute paths).
        app.MapGet(Root + "{**file}", (string? file) => Asset(string.IsNullOrEmpty(file) ? "index.html" : file)).ExcludeFromDescription();
    }

    private static IResult Asset(string file) => Assets.TryGetValue(file, out var asset)
        ? HttpResults.Bytes(asset.Bytes, asset.Type)
        : ExperimentHandlers.Problem(StatusCodes.Status404NotFound, $"the web view has no file '{file}' (it starts at {Root})");

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(WebView).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).ToFrozenDictionary(
            n => n[ResourcePrefix.Length..],
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                return (bytes.ToArray(), TypeOf(n));
            },
            StringComparer.Ordinal);
    }

    private static string TypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        var other => throw new InvalidOperationException($"the web view's asset {name} has no known media type ({other})"),
    };
}
