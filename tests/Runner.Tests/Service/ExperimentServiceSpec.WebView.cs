using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace DcSim.Runner.Tests.Service;

/// <summary>The web view's routes (/ and /ui/...) and the editor's check, POST /scenarios/validate.</summary>
public sealed partial class ExperimentServiceSpec
{
    /// <summary>Two racks under a spine, as the editor writes them (names and values as JSON strings).</summary>
    private const string Explicit = """
        name = "edited"
        seed = 1
        duration = "5ms"
        topology {
          kind = explicit
          switches = ["spine", "rack0", "rack1"]
          servers = 4
          links = [
            { a = "spine", b = "rack0", rate = "40Gbps", delay = "1us", queue { limit = 64, unit = packets } }
            { a = "spine", b = "rack1", rate = "40Gbps", delay = "1us" }
            { a = "host0", b = "rack0", rate = "10Gbps", delay = "1us" }
            { a = "host1", b = "rack0", rate = "10Gbps", delay = "1us" }
            { a = "host2", b = "rack1", rate = "10Gbps", delay = "1us" }
            { a = "host3", b = "rack1", rate = "10Gbps", delay = "1us" }
          ]
        }
        traffic {
          generators = [
            { kind = "cbr", rate = "1Gbps", packet-size = "1000B", destination = "permutation" }
          ]
        }
        """;

    [Fact]
    public async Task Web_view_must_be_served_under_ui_with_each_asset_s_media_type_and_every_module_import_resolving()
    {
        // arrange
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _service.Address };

        // act
        var root = await noRedirects.GetAsync("/");
        var page = await _http.GetAsync("/ui/");
        var html = await page.Content.ReadAsStringAsync();
        var style = await _http.GetAsync("/ui/style.css");
        // Every module the page loads, following imports from app.js: each must be there, as JavaScript.
        var modules = new Dictionary<string, HttpResponseMessage>(StringComparer.Ordinal);
        var pending = new Queue<string>(["app.js"]);
        while (pending.TryDequeue(out var module))
        {
            if (modules.ContainsKey(module)) continue;
            var response = modules[module] = await _http.GetAsync("/ui/" + module);
            foreach (Match import in Regex.Matches(await response.Content.ReadAsStringAsync(), """from "\./([a-z]+\.js)";"""))
                pending.Enqueue(import.Groups[1].Value);
        }
        var missing = await Send(HttpMethod.Get, "/ui/nothing.js");

        // assert
        Assert.Equal(HttpStatusCode.Found, root.StatusCode);
        Assert.Equal("/ui/", root.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("""<script type="module" src="/ui/app.js"></script>""", html);
        Assert.Contains("""id="live-svg" """, html);
        Assert.Equal("text/css", style.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["api.js", "app.js", "counters.js", "draw.js", "editor.js", "format.js", "hocon.js", "layout.js", "live.js", "panel.js"],
            modules.Keys.Order(StringComparer.Ordinal));
        Assert.All(modules.Values, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("text/javascript", r.Content.Headers.ContentType!.MediaType);
            Assert.Equal("utf-8", r.Content.Headers.ContentType.CharSet);
        });
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("application/problem+json", missing.Type);
        Assert.Contains("no file 'nothing.js'", missing.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Validate_must_say_what_a_valid_scenario_runs_name_each_problem_of_an_invalid_one_and_queue_nothing()
    {
        // arrange: the same fabric with a server linked to a switch that does not exist, and its second link removed
        var broken = Explicit.Replace("""{ a = "host3", b = "rack1",""", """{ a = "host3", b = "rack9",""");

        // act
        var valid = await Send(HttpMethod.Post, "/scenarios/validate?file=edited.conf", Explicit);
        var invalid = await Send(HttpMethod.Post, "/scenarios/validate?file=edited.conf", broken);
        var json = await Send(HttpMethod.Post, "/scenarios/validate", "{}", "application/json");
        var empty = await Send(HttpMethod.Post, "/scenarios/validate", " ");
        var list = await Send(HttpMethod.Get, "/experiments");

        // assert
        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.True(valid.Body.GetProperty("valid").GetBoolean());
        Assert.Equal("edited", valid.Body.GetProperty("name").GetString());
        Assert.Equal("4 hosts, explicit: 3 switches, 6 links", valid.Body.GetProperty("description").GetString());
        Assert.Equal(4, valid.Body.GetProperty("hosts").GetInt32());
        Assert.Equal(3, valid.Body.GetProperty("switches").GetInt32());
        Assert.Equal(6, valid.Body.GetProperty("links").GetInt32());
        Assert.Equal(1, valid.Body.GetProperty("generators").GetInt32());
        Assert.Equal(5_000_000_000, valid.Body.GetProperty("duration_ps").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        var error = Assert.Single(invalid.Body.GetProperty("errors").EnumerateArray()).GetString()!;
        Assert.StartsWith("edited.conf:14: topology.links[5].b:", error);
        Assert.Contains("rack9", error);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.Status);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Empty(list.Body.GetProperty("experiments").EnumerateArray());
    }
}
