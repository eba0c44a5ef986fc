using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>`dcsim run --http`: the servers' counters can be read while the run goes on.</summary>
public sealed class QueryEndpointSpec
{
    [Fact]
    public async Task Servers_must_be_queryable_over_HTTP_while_the_run_goes_on()
    {
        // arrange: a long run with vSwitches and the endpoint on a free loopback port
        var dir = Scratch.Directory("http");
        var scenario = Path.Combine(dir, "long.conf");
        File.WriteAllText(scenario, """
            name = "long-vswitch"
            duration = 60s
            topology { spines = 2, leaves = 2, hosts-per-leaf = 4, vswitch { enabled = true } }
            traffic.generators = [ { kind = cbr, rate = 1Gbps } ]
            """);
        var port = Dcsim.FreePort();
        using var run = Dcsim.Start("run", scenario, "--out", Path.Combine(dir, "out"), "--http", port.ToString());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            // act: poll until the run answers with packets counted
            JsonElement first = default, second = default;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    var response = await http.GetAsync("/servers");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        first = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                        if (first.GetProperty("simulated_time_ps").GetInt64() > 0) break;
                    }
                }
                catch (HttpRequestException) { }
                await Task.Delay(250);
            }
            await Task.Delay(500);
            second = JsonDocument.Parse(await http.GetStringAsync("/servers/host1")).RootElement;
            var missing = await http.GetAsync("/servers/host99");

            // assert
            Assert.Equal(JsonValueKind.Object, first.ValueKind);
            var servers = first.GetProperty("servers").EnumerateArray().ToList();
            Assert.Equal(8, servers.Count);
            Assert.All(servers, s => Assert.True(s.GetProperty("vswitch").GetProperty("packets").GetInt64() > 0));
            Assert.True(second.GetProperty("simulated_time_ps").GetInt64() > first.GetProperty("simulated_time_ps").GetInt64(), "time moves on");
            Assert.Equal("host1", second.GetProperty("servers")[0].GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-INT", run.Id.ToString()])) kill.WaitForExit();
            if (!run.WaitForExit(30_000)) run.Kill(entireProcessTree: true);
        }
    }
}
