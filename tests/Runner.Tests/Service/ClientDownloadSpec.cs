using System.Net;
using System.Net.Sockets;
using System.Text;
using DcSim.Runner.Commands;
using Xunit;

namespace DcSim.Runner.Tests.Service;

/// <summary>
/// `dcsim results ID --out DIR` against a stand-in service (an HttpListener on loopback) that lists files and drops the connection in
/// the middle of one: what was downloaded whole is there, the broken file is not, not even in part.
/// </summary>
public sealed class ClientDownloadSpec : IDisposable
{
    private const string Id = "1-abcdef12";
    private readonly string _out = Directory.CreateTempSubdirectory("dcsim-download-").FullName;
    private readonly HttpListener _listener = new();
    private readonly string _server;

    public ClientDownloadSpec()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _server = $"127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        _listener.Prefixes.Add($"http://{_server}/");
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Close();
        Directory.Delete(_out, recursive: true);
    }

    /// <summary>Answers the list with <paramref name="names"/>; each file is its name's bytes, except flows.csv, cut after 1,000 of 100,000 bytes.</summary>
    private async Task Serve(string[] names, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            var context = await _listener.GetContextAsync();
            var path = context.Request.Url!.AbsolutePath;
            var response = context.Response;
            if (path == $"/experiments/{Id}/results")
            {
                var files = string.Join(",", names.Select(n => $"{{\"name\":\"{n}\",\"bytes\":1,\"href\":\"/experiments/{Id}/results/{n}\"}}"));
                Write(response, $"{{\"experiment\":\"{Id}\",\"files\":[{files}]}}");
            }
            else if (path.EndsWith("/flows.csv", StringComparison.Ordinal))
            {
                response.ContentLength64 = 100_000;
                await response.OutputStream.WriteAsync(new byte[1_000]);
                await response.OutputStream.FlushAsync();
                response.Abort();
            }
            else Write(response, path[(path.IndexOf("/results/", StringComparison.Ordinal) + 9)..]);
        }
    }

    private static void Write(HttpListenerResponse response, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    private Task<int> Results() =>
        ClientCommands.Factories.Single(c => c.Name == "results").Create().Parse(["results", Id, "--out", _out, "--server", _server]).InvokeAsync();

    [Fact]
    public async Task A_download_cut_mid_body_must_leave_no_partial_file_and_an_earlier_file_as_it_was()
    {
        // arrange: an earlier download left flows.csv
        await File.WriteAllTextAsync(Path.Combine(_out, "flows.csv"), "earlier");
        var service = Serve(["summary.json", "pcap/a-to-b.pcap", "flows.csv", "links.csv"], requests: 4);

        // act
        var exit = await Results();
        await service;

        // assert
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Equal("summary.json", await File.ReadAllTextAsync(Path.Combine(_out, "summary.json")));
        Assert.Equal("pcap/a-to-b.pcap", await File.ReadAllTextAsync(Path.Combine(_out, "pcap", "a-to-b.pcap")));
        Assert.Equal("earlier", await File.ReadAllTextAsync(Path.Combine(_out, "flows.csv")));
        Assert.False(File.Exists(Path.Combine(_out, "links.csv")), "nothing is downloaded after a failure");
        Assert.Equal(["flows.csv", "pcap/a-to-b.pcap", "summary.json"],
            Directory.GetFiles(_out, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_out, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_listed_name_leading_out_of_the_folder_must_be_refused_before_anything_is_written_there()
    {
        // arrange
        var service = Serve(["../escaped.csv"], requests: 1);

        // act
        var exit = await Results();
        await service;

        // assert
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.False(File.Exists(Path.Combine(_out, "..", "escaped.csv")));
        Assert.Empty(Directory.GetFileSystemEntries(_out));
    }

    [Theory]
    [InlineData("summary.json", "summary.json")]
    [InlineData("pcap/leaf0-to-host3.pcap", "pcap/leaf0-to-host3.pcap")]
    [InlineData("../x.csv", null)]
    [InlineData("pcap/../../x.csv", null)]
    [InlineData("/etc/passwd", null)]
    [InlineData("", null)]
    [InlineData(".", null)]
    public void A_listed_name_must_map_into_the_folder_or_be_refused(string name, string? expected)
    {
        var file = ClientCommands.LocalFile(_out, name);
        Assert.Equal(expected, file is null ? null : Path.GetRelativePath(_out, file).Replace('\\', '/'));
    }
}
