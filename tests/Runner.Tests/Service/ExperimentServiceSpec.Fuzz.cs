using System.Net;
using System.Text;
using Xunit;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Tests.Service;

/// <summary>Malformed requests, generated from a fixed seed: each gets a problem, none a server error, and nothing is submitted.</summary>
public sealed partial class ExperimentServiceSpec
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
    private static readonly string[] Segments =
        ["experiments", "servers", "entities", "series", "results", "pause", "resume", "stop", "..", "%2e%2e", "%00", "1-abc", "0", "-1",
         "summary.json", "openapi", "v1.json", "é", "%ff", "a b", "{id}", new string('x', 300)];
    private static readonly string[] Queries = ["", "?seed=", "?seed=-3", "?seed=1e9", "?partitions=0", "?partitions=x", "?name=%00", "?base=relative",
        "?base=/nonexistent", "?seed=18446744073709551616", "?file=../x", "?name=" + new string('n', 500)];
    private static readonly string?[] MediaTypes = [null, "text/plain", "application/json", "application/hocon; charset=latin1", "multipart/form-data",
        "text/plain; charset=utf-8", "application/octet-stream"];
    private static readonly string[] Bodies =
        ["", "{", "duration = ", "duration = 1ms\nbogus = 1", "duration = -1ms", "topology.spines = many", "include \"/etc/passwd\"", "\u0000\u0001\u0002",
         "traffic.generators = [ { kind = nope } ]", "kernel.partitions = 0\nduration = 1ms", "a = ${b}", "duration = 1ms\nseed = -1",
         "duration = 1ms\ntopology { spines = 0 }", "\"duration\" : \"forever\""];

    [Fact]
    public async Task A_thousand_malformed_requests_must_each_get_a_problem_and_none_a_server_error_or_a_submission()
    {
        // arrange
        var random = new Random(13);
        var statuses = new SortedDictionary<int, int>();

        // act
        for (var i = 0; i < 1_200; i++)
        {
            var path = "/" + string.Join('/', Enumerable.Range(0, random.Next(0, 5)).Select(_ => Segments[random.Next(Segments.Length)]));
            if (random.Next(2) == 0) path = "/experiments" + (random.Next(2) == 0 ? "" : path);
            using var request = new HttpRequestMessage(new HttpMethod(Methods[random.Next(Methods.Length)]), path + Queries[random.Next(Queries.Length)]);
            if (random.Next(3) > 0)
            {
                var body = Bodies[random.Next(Bodies.Length)];
                if (random.Next(4) == 0) body = new string(body.Select(c => random.Next(5) == 0 ? (char)random.Next(1, 0x2FF) : c).ToArray());
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                if (MediaTypes[random.Next(MediaTypes.Length)] is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            using var response = await _http.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var text = await response.Content.ReadAsStringAsync();

            // assert
            Assert.True(status < 500, $"{request.Method} {path}: {status} {text}");
            // Kestrel refuses a path that decodes to a NUL before any application code runs: a bare 400.
            var refusedByKestrel = status == 400 && text.Length == 0 && path.Contains("%00");
            if (status >= 400 && !refusedByKestrel)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{request.Method} {request.RequestUri}: {status} {text}");
                Assert.True(text.Contains("\"detail\":", StringComparison.Ordinal), $"{request.Method} {request.RequestUri}: {status} {text}");
            }
        }
        var still = await _http.GetAsync("/experiments");

        // assert
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.Equal("{\"experiments\":[]}", await still.Content.ReadAsStringAsync());
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.True(statuses.Keys.Count >= 5, string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}")));
    }
}
