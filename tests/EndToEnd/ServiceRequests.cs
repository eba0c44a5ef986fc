using System.Net;
using System.Text.Json;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>Requests to the experiment service of a `dcsim node --http` under test.</summary>
internal static class ServiceRequests
{
    /// <summary>Sends the request, asserts the status (the body in the message when it differs), and returns the JSON answer.</summary>
    public static async Task<JsonElement> Json(HttpClient client, HttpMethod method, string path, HttpStatusCode expected = HttpStatusCode.OK,
        HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
