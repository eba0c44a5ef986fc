using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using DcSim.Runner.Hosting;
using DcSim.Runner.Results;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim bench-queries`: what queries cost a running experiment. The benchmark fabric is submitted to the experiment service
/// (a `dcsim node --http` it starts, or --server) again and again, after a loaded warm-up run, alternately alone and under an open-loop
/// load of --rate entity queries a second from this process; it prints each run's wall time (the service's, from start to results),
/// the queries answered and their latency, checks that every run's result files are byte-identical, and gives the loaded runs'
/// slowdown (nearest-rank median against median). Wall-clock figures only: nothing here is asserted as a test.
/// </summary>
internal static class QueryLoadBenchCommand
{
    /// <summary>Queries in flight beyond this are not sent but counted: an open loop must not pile up without bound.</summary>
    private const int MaxOutstanding = 512;

    /// <summary>Connections the load is written on: a few, so that one slow answer holds up only the requests behind it.</summary>
    private const int Connections = 4;

    /// <summary>
    /// How often the load writes the queries due: 5 ms keeps it an open loop at any rate worth measuring while the generator wakes 200
    /// times a second, not 1,000 (at 1 ms its timer wake-ups and the thread pool's spinning after each cost ~20 % of a core).
    /// </summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    /// <summary>How long the answers still due when a run ends are waited for; those that do not come count as refused.</summary>
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var rate = new Option<int>("--rate") { Description = "Queries a second while a loaded run goes on", DefaultValueFactory = _ => 1000 };
        var fabric = new Option<string>("--fabric") { Description = "small | medium | large (dcsim bench's fabrics)", DefaultValueFactory = _ => "medium" };
        var simTime = new Option<double>("--sim-time") { Description = "Simulated seconds of traffic (long enough for the load to matter)", DefaultValueFactory = _ => 1.0 };
        var repeat = new Option<int>("--repeat") { Description = "Pairs of runs (alone, loaded), alternating which goes first, after a loaded warm-up run that is not counted", DefaultValueFactory = _ => 3 };
        var server = new Option<string?>("--server") { Description = "HOST:PORT of a running experiment service (default: start a `dcsim node --http` for the benchmark)" };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions of each run (default: the service's choice, kernel.partitions = auto)" };
        var command = new Command("bench-queries", "Measure how entity queries at a given rate slow a running experiment, and check they change no result byte")
            { rate, fabric, simTime, repeat, server, partitions };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(rate), parse.GetValue(fabric)!, parse.GetValue(simTime), parse.GetValue(repeat),
            parse.GetValue(server), parse.GetValue(partitions), cancel));
        return command;
    }

    private sealed record Measured(string Mode, double WallSeconds, double SimulatingSeconds, double BusySeconds, long Sent, long Answered, long Refused, long Skipped, double P50Ms, double P99Ms, string ResultsHash);

    private static async Task<int> Execute(int rate, string fabricName, double simTime, int repeat, string? server, int? partitions, CancellationToken cancel)
    {
        if (BenchCommand.Fabrics.FirstOrDefault(f => f.Name == fabricName) is not { } fabric)
        {
            Console.Error.WriteLine($"dcsim: unknown fabric '{fabricName}' (small, medium or large)");
            return ExitCodes.BadInput;
        }
        if (rate < 1 || repeat < 1 || simTime <= 0 || partitions < 1)
        {
            Console.Error.WriteLine("dcsim: --rate, --repeat and --partitions must be at least 1, --sim-time greater than 0");
            return ExitCodes.BadInput;
        }
        var folder = Directory.CreateTempSubdirectory("dcsim-bench-queries-");
        using var node = server is null ? StartNode(folder.FullName, out server) : null;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://{server}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitForService(client, cancel);
            GiveWay.LowerThisProcess();
            var scenario = BenchCommand.ScenarioText(fabric, simTime, "100Mbps");
            var hosts = fabric.Leaves * fabric.HostsPerLeaf;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fabric {fabric.Name} ({hosts} hosts), {simTime:0.###} s simulated, {(partitions is { } n ? $"{n} partition(s)" : "partitions auto")}, {rate:N0} queries/s on GET /experiments/ID/servers/hostN when loaded, service {server}"));
            Console.WriteLine("run  mode    wall_s  sim_s  busy_s   sent  answered  refused  skipped  queries/s  p50_ms  p99_ms  results");
            // The first run compiles the service's run and query paths: it is shown and checked, not counted.
            var submit = $"/experiments?file=bench-{fabric.Name}.conf&name=bench-{fabric.Name}" + (partitions is { } p ? $"&partitions={p}" : "");
            var runs = new List<Measured> { await Run(client, scenario, submit, rate, hosts, cancel) with { Mode = "warmup" } };
            Print(0, runs[0], same: true);
            for (var i = 0; i < repeat; i++)
            foreach (var loaded in i % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var m = await Run(client, scenario, submit, loaded ? rate : 0, hosts, cancel);
                runs.Add(m);
                var same = m.ResultsHash == runs[0].ResultsHash;
                Print(runs.Count - 1, m, same);
                if (!same)
                {
                    Console.Error.WriteLine("dcsim: a run gave other result files than the first: queries must never change a result");
                    return ExitCodes.Failed;
                }
            }
            var alone = Percentile(runs.Where(r => r.Mode == "alone").Select(r => r.WallSeconds), 50);
            var underLoad = Percentile(runs.Where(r => r.Mode == "loaded").Select(r => r.WallSeconds), 50);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median wall: alone {alone:0.000} s, loaded {underLoad:0.000} s: {underLoad / alone - 1:+0.0%;-0.0%} under {rate:N0} queries/s; every run's result files byte-identical"));
            return ExitCodes.Ok;
        }
        finally
        {
            if (node is not null && !node.HasExited) node.Kill(entireProcessTree: true);
            folder.Delete(recursive: true);
        }
    }

    private static void Print(int run, Measured m, bool same) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{run,3}  {m.Mode,-6} {m.WallSeconds,7:0.000} {m.SimulatingSeconds,6:0.000} {m.BusySeconds,6:0.000} {m.Sent,6} {m.Answered,9} {m.Refused,8} {m.Skipped,8} {m.Answered / m.WallSeconds,10:0} {m.P50Ms,7:0.0} {m.P99Ms,7:0.0}  {(same ? "same" : "DIFFERENT")}"));

    /// <summary>One run, submitted to <paramref name="submit"/> (the service's path and query).</summary>
    private static async Task<Measured> Run(HttpClient client, string scenario, string submit, int rate, int hosts, CancellationToken cancel)
    {
        using var submitted = await client.PostAsync(submit, new StringContent(scenario), cancel);
        submitted.EnsureSuccessStatusCode();
        var id = (await JsonDocument.ParseAsync(await submitted.Content.ReadAsStreamAsync(cancel), cancellationToken: cancel)).RootElement.GetProperty("id").GetString()!;
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var load = rate == 0 ? Task.FromResult(new QueryLoad()) : Generate(client.BaseAddress!, id, rate, hosts, stopLoad.Token);
        JsonElement status;
        while (true)
        {
            status = await Get(client, $"/experiments/{id}", cancel);
            var state = status.GetProperty("state").GetString();
            if (state == "completed") break;
            if (state is "failed" or "stopped") throw new InvalidOperationException($"benchmark experiment {id} {state}: {status}");
            await Task.Delay(50, cancel);
        }
        await stopLoad.CancelAsync();
        var l = await load;
        return new Measured(rate == 0 ? "alone" : "loaded", status.GetProperty("wall_seconds").GetDouble(),
            status.GetProperty("simulating_seconds").GetDouble(), status.GetProperty("busy_seconds").GetDouble(), l.Sent, l.Answered, l.Refused, l.Skipped,
            Percentile(l.LatenciesMs, 50), Percentile(l.LatenciesMs, 99), await ResultsHash(client, id, cancel));
    }

    /// <summary>
    /// An open loop: every <see cref="Tick"/>, as many queries as are due by then are written, without waiting for earlier answers, on the next of
    /// a few pipelined connections (<see cref="PipelinedQueries"/>: the loop shares the machine with the service, so it costs little).
    /// </summary>
    private static async Task<QueryLoad> Generate(Uri service, string id, int rate, int hosts, CancellationToken stop)
    {
        var requests = Enumerable.Range(0, hosts).Select(h => PipelinedQueries.Request(service, $"/experiments/{id}/servers/host{h}")).ToArray();
        var load = new QueryLoad();
        var connections = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => PipelinedQueries.Open(service, load)));
        var batch = new ArrayBufferWriter<byte>();
        var clock = Stopwatch.StartNew();
        for (var tick = 0; !stop.IsCancellationRequested; tick++)
        {
            var count = 0;
            batch.ResetWrittenCount();
            for (var due = (long)(clock.Elapsed.TotalSeconds * rate); load.Sent + load.Skipped < due; )
            {
                if (Interlocked.Read(ref load.Outstanding) + count >= MaxOutstanding) { load.Skipped++; continue; }
                batch.Write(requests[load.Sent++ % hosts]);
                count++;
            }
            if (count > 0) await connections[tick % Connections].Send(batch.WrittenMemory, count);
            try { await Task.Delay(Tick, stop); }
            catch (OperationCanceledException) { break; }
        }
        for (var waited = Stopwatch.StartNew(); Interlocked.Read(ref load.Outstanding) > 0 && waited.Elapsed < AnswerLimit; ) await Task.Delay(1, CancellationToken.None);
        foreach (var c in connections) c.Dispose();
        await Task.WhenAll(connections.Select(c => c.Reading));
        return load;
    }

    /// <summary>SHA-256 over every result file's name and bytes, in name order.</summary>
    private static async Task<string> ResultsHash(HttpClient client, string id, CancellationToken cancel)
    {
        var files = (await Get(client, $"/experiments/{id}/results", cancel)).GetProperty("files").EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Href: f.GetProperty("href").GetString()!)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, href) in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
            sha.AppendData(await client.GetByteArrayAsync(href, cancel));
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static async Task<JsonElement> Get(HttpClient client, string path, CancellationToken cancel)
    {
        using var response = await client.GetAsync(path, cancel);
        response.EnsureSuccessStatusCode();
        return (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancel), cancellationToken: cancel)).RootElement.Clone();
    }

    private static async Task WaitForService(HttpClient client, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var r = await client.GetAsync("/experiments", cancel);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60)) { }
            await Task.Delay(200, cancel);
        }
    }

    /// <summary>A `dcsim node` serving the experiment service on a free loopback port, its results under <paramref name="folder"/>.</summary>
    private static Process StartNode(string folder, out string server)
    {
        var port = FreePort();
        server = $"127.0.0.1:{port}";
        var (file, prefix) = WorkerProcesses.SelfCommand();
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[.. prefix, "node", "--port", "0", "--http", port.ToString(CultureInfo.InvariantCulture), "--experiments", folder,
                     "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)])
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Nearest rank, as the result files give percentiles (0 for no values).</summary>
    private static double Percentile(IEnumerable<double> values, double p) => ResultFiles.Percentile(values.Order().ToList(), p);
}
