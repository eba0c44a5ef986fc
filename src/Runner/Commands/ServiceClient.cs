using System.Net.Http.Headers;
using System.Text.Json;
using DcSim.Runner.Service;

namespace DcSim.Runner.Commands;

/// <summary>
/// The HTTP side of the client commands (`dcsim submit`, `list`, `status`, `query`, `pause`, `resume`, `stop`, `results`): one
/// request to the experiment service, its JSON answer, or the service's problem as one line.
/// </summary>
internal sealed class ServiceClient(string server) : IDisposable
{
    /// <summary>The environment variable that names the service when --server is not given.</summary>
    public const string ServerVariable = "DCSIM_SERVER";

    /// <summary>Where `dcsim node --http 7878` serves: the default of the client commands.</summary>
    public const string DefaultServer = "127.0.0.1:7878";

    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{server}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>--server, else $DCSIM_SERVER, else <see cref="DefaultServer"/>.</summary>
    public static string Resolve(string? option) =>
        option ?? (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } env ? env : DefaultServer);

    public Task<Answer> Get(string path) => Send(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Answer> Post(string path, string? hocon = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (hocon is not null) request.Content = new StringContent(hocon, new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" });
        return Send(request);
    }

    public Task<Answer> PostJson(string path, string json) => Send(new HttpRequestMessage(HttpMethod.Post, path)
    {
        Content = new StringContent(json, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
    });

    /// <summary>
    /// Streams <paramref name="path"/> into <paramref name="file"/> under a temporary name in its folder, renamed once whole: a download
    /// that fails (the service stops, the connection drops mid-body) leaves no partial file, and an earlier file of that name as it was.
    /// </summary>
    public async Task DownloadTo(string path, string file)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(file)!, $".{Path.GetFileName(file)}.partial");
        try
        {
            using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using (var output = File.Create(temporary)) await response.Content.CopyToAsync(output);
            File.Move(temporary, file, overwrite: true);
        }
        catch (HttpIOException ex)
        {
            throw new ServiceUnreachableException($"downloading {path} from {server} failed: {ex.Message}; nothing of it was kept");
        }
        finally
        {
            File.Delete(temporary);   // nothing to delete once renamed
        }
    }

    private async Task<Answer> Send(HttpRequestMessage request)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request);
            }
            catch (HttpRequestException ex)
            {
                throw new ServiceUnreachableException($"cannot reach the experiment service at {server}: {ex.Message} (set --server or {ServerVariable})");
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
                return new Answer((int)response.StatusCode, json, text);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A status, the JSON body, and the body as sent (printed as it is with --json).</summary>
    public sealed record Answer(int Status, JsonElement Body, string Text)
    {
        public bool Ok => Status is >= 200 and < 300;

        /// <summary>A problem as one line: "STATUS TITLE: DETAIL", and each of its errors on its own line after it.</summary>
        public string Problem()
        {
            var title = Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("title", out var t) ? t.GetString() : "";
            var detail = Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("detail", out var d) ? d.GetString() : Text;
            var line = $"{Status} {title}: {detail}";
            if (Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 1)
                line += "\n" + string.Join("\n", errors.EnumerateArray().Select(e => e.GetString()));
            return line;
        }

        public ExperimentView View() => Body.Deserialize<ExperimentView>(ExperimentService.Json)!;
    }
}

internal sealed class ServiceUnreachableException(string message) : Exception(message);
