using System.Net;
using System.Text;
using System.Text.Json;
using DcSim.Testing;
using Microsoft.Playwright;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The web view in a real browser (headless Chromium) against `dcsim node --http`: the live view of a running experiment, whose
/// counters change on the page as the run goes on, and the editor, whose exported topology `dcsim validate` accepts and `dcsim run`
/// runs.
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class WebViewSpec : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Scratch.Directory("webview");
    private readonly int _http = Dcsim.FreePort();
    private readonly Dcsim.Background _node;

    public WebViewSpec() =>
        _node = Dcsim.StartCapturing("node", "--port", "0", "--http", _http.ToString(), "--experiments", Path.Combine(_folder, "experiments"));

    public void Dispose() => _node.Dispose();

    private string Url => $"http://127.0.0.1:{_http}";

    /// <summary>A run long enough to watch (it is stopped at the end): 8 servers with vSwitches, each sending 1 Gb/s.</summary>
    private async Task<string> SubmitLongRun()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!_node.Stdout.Contains("experiment service http://"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(_node.Stdout + _node.Stderr);
            await Task.Delay(200);
        }
        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        var response = await http.PostAsync("/experiments?name=watched", new StringContent("""
            name = "watched"
            duration = 60s
            topology { spines = 2, leaves = 2, hosts-per-leaf = 4, vswitch { enabled = true } }
            traffic.generators = [ { kind = cbr, rate = 1Gbps, concurrent-flows = 4 } ]
            """, Encoding.UTF8, "text/plain"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static Task Until(IPage page, string script, object? arg = null) =>
        page.WaitForFunctionAsync(script, arg, new PageWaitForFunctionOptions { Timeout = (float)Patience.TotalMilliseconds, PollingInterval = 100 });

    [ChromiumFact]
    public async Task Browser_must_see_a_run_s_counters_change_and_export_an_edited_topology_that_validates_and_runs()
    {
        // arrange
        var id = await SubmitLongRun();
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { AcceptDownloads = true });
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);

        // act: the live view, until the packets counted on the page and its simulated time have moved on between two reads (the two come
        // from different polls: one may move before the other)
        await page.GotoAsync(Url + "/");
        await Until(page, "() => document.getElementById('state').textContent === 'running' && /^[1-9][0-9,]*$/.test(document.getElementById('sum-packets').textContent)");
        var packetsBefore = await page.TextContentAsync("#sum-packets");
        var timeBefore = await page.TextContentAsync("#sim-time");
        await Until(page, "([packets, time]) => document.getElementById('sum-packets').textContent !== packets && document.getElementById('sim-time').textContent !== time",
            new[] { packetsBefore, timeBefore });
        var packetsAfter = await page.TextContentAsync("#sum-packets");
        var timeAfter = await page.TextContentAsync("#sim-time");
        var cache = await page.TextContentAsync("#sum-cache");
        var lines = await page.Locator("#live-svg path.link").CountAsync();
        var coloured = await page.EvalOnSelectorAllAsync<int>("#live-svg path.link", "paths => paths.filter(p => p.style.stroke && p.style.stroke !== 'rgb(184, 190, 198)').length");
        await page.ClickAsync("#live-svg g.node[data-name='host1']");
        await Until(page, "() => document.querySelector('[data-testid=panel-title]')?.textContent === 'host1' && document.getElementById('panel').textContent.includes('vswitch')");
        var panel = await page.TextContentAsync("#panel");
        await page.ClickAsync("#btn-stop");
        await Until(page, "() => document.getElementById('state').textContent === 'stopped'");

        // act: the editor: two switches, two servers on each, a link between them; validated by the service, downloaded
        await page.ClickAsync("[data-tab=editor]");
        await page.ClickAsync("#ed-add-switch");
        await page.ClickAsync("#ed-add-switch");
        await page.FillAsync("#ed-server-count", "2");
        foreach (var sw in new[] { "s0", "s1" })
        {
            await page.SelectOptionAsync("#ed-server-switch", sw);
            await page.ClickAsync("#ed-add-servers");
        }
        await page.SelectOptionAsync("#ed-link-a", "s0");
        await page.SelectOptionAsync("#ed-link-b", "s1");
        await page.FillAsync("#ed-link-queue", "64 packets");
        await page.ClickAsync("#ed-add-link");
        // a third switch, named, then selected and deleted; s1 selected and renamed: its servers and link follow
        await page.FillAsync("#ed-switch-name", "spare");
        await page.ClickAsync("#ed-add-switch");
        await page.ClickAsync("#ed-svg g.node[data-name='spare']");
        await page.ClickAsync("#ed-delete");
        await page.ClickAsync("#ed-svg g.node[data-name='s1']");
        await page.FillAsync("#ed-rename", "tor1");
        await page.ClickAsync("#ed-rename-btn");
        await page.FillAsync("#ed-duration", "5ms");
        await page.ClickAsync("#ed-validate");
        await Until(page, "() => document.getElementById('ed-result').dataset.valid !== 'unknown'");
        var verdict = await page.TextContentAsync("#ed-result");
        var exported = await page.InputValueAsync("#ed-hocon");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#ed-download"));
        var file = Path.Combine(_folder, download.SuggestedFilename);
        await download.SaveAsAsync(file);
        var validate = Dcsim.Run(Patience, "validate", file);
        var run = Dcsim.Run(Patience, "run", file, "--out", Path.Combine(_folder, "run"), "--journal", "off");
        // and submitted from the editor: the live view follows it to its end
        await page.ClickAsync("#ed-submit");
        await Until(page, "() => document.getElementById('state').textContent === 'completed'");
        var submitted = await page.EvalOnSelectorAsync<string>("#experiment-select", "s => s.value");

        // assert
        Assert.True(long.Parse(packetsAfter!.Replace(",", "")) > long.Parse(packetsBefore!.Replace(",", "")), $"{packetsBefore} then {packetsAfter}");
        Assert.NotEqual(timeBefore, timeAfter);
        Assert.Matches("^[0-9.]+ % \\(", cache);
        Assert.Equal(8 + 2 * 2, lines);
        Assert.True(coloured > 0, "links carrying traffic are coloured by their utilisation");
        Assert.Contains("megaflow_hits", panel);
        Assert.Equal("valid: 4 hosts, explicit: 2 switches, 5 links, 1 generator(s)", verdict);
        Assert.Equal(exported, await File.ReadAllTextAsync(file));
        Assert.Equal("edited.conf", download.SuggestedFilename);
        Assert.Contains("""switches = ["s0", "tor1"]""", exported);
        Assert.Contains("""{ a = "s0", b = "tor1", rate = "40Gbps", delay = "1us", queue { limit = 64, unit = packets } }""", exported);
        Assert.Contains("""{ a = "host3", b = "tor1", rate = "10Gbps", delay = "1us" }""", exported);
        Assert.True(validate.ExitCode == 0, validate.Stdout + validate.Stderr);
        Assert.Contains("edited.conf: ok — edited: 4 hosts, explicit: 2 switches, 5 links, 1 generator(s), 5ms", validate.Stdout);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.True(File.Exists(Path.Combine(_folder, "run", "summary.json")), run.Stdout);
        Assert.NotEqual(id, submitted);
        Assert.StartsWith("2-", submitted);
        Assert.Empty(pageErrors);
    }
}
