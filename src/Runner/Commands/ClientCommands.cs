using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DcSim.Runner.Service;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Commands;

/// <summary>
/// The client commands of the experiment service (docs/service.md): `dcsim submit FILE`, `list`, `status ID`, `query ID PATH`,
/// `pause ID`, `resume ID`, `stop ID`, `results ID [--out DIR]`. Aligned text on a terminal, the service's JSON with --json; a problem
/// the service answers is printed as one line, exit 2 for a bad request (4xx but 409), 1 for a failure.
/// </summary>
internal static class ClientCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The commands by name, each built only when asked for (<see cref="CommandTable"/>).</summary>
    public static IEnumerable<(string Name, Func<Command> Create)> Factories =>
    [
        ("submit", Submit),
        Simple("list", "List the experiments of a service", null, (c, _) => c.Get("/experiments"), PrintList),
        Simple("status", "Show an experiment's state and progress", "ID", (c, id) => c.Get($"/experiments/{Escape(id!)}"), PrintView),
        ("query", Query),
        Simple("pause", "Hold a running experiment at its next window barrier", "ID", (c, id) => c.Post($"/experiments/{Escape(id!)}/pause"), PrintView),
        Simple("resume", "Resume a paused experiment", "ID", (c, id) => c.Post($"/experiments/{Escape(id!)}/resume"), PrintView),
        Simple("stop", "Stop an experiment (no results)", "ID", (c, id) => c.Post($"/experiments/{Escape(id!)}/stop"), PrintView),
        ("results", Results),
    ];

    private static Option<string?> ServerOption() => new("--server")
    {
        Description = $"HOST:PORT of the experiment service (default: ${ServiceClient.ServerVariable}, else {ServiceClient.DefaultServer})",
    };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the service's JSON instead of text" };

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static (string Name, Func<Command> Create) Simple(string name, string description, string? argumentName,
        Func<ServiceClient, string?, Task<ServiceClient.Answer>> send, Action<JsonElement> print) =>
        (name, () => SimpleCommand(name, description, argumentName is null ? null : new Argument<string>(argumentName) { Description = "Experiment id (see `dcsim list`)" }, send, print));

    private static Command SimpleCommand(string name, string description, Argument<string>? argument, Func<ServiceClient, string?, Task<ServiceClient.Answer>> send,
        Action<JsonElement> print)
    {
        var server = ServerOption();
        var json = JsonOption();
        var command = new Command(name, description) { server, json };
        if (argument is not null) command.Arguments.Add(argument);
        command.SetAction(parse => Call(parse.GetValue(server), async client =>
            Print(await send(client, argument is null ? null : parse.GetValue(argument)), parse.GetValue(json), print)));
        return command;
    }

    private static Command Submit()
    {
        var file = new Argument<FileInfo>("scenario") { Description = "Scenario HOCON file" };
        var seed = new Option<ulong?>("--seed") { Description = "Override the scenario's seed" };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions (default: the scenario's kernel.partitions, auto = one per member, on one member one per core for large fabrics)" };
        var name = new Option<string?>("--name") { Description = "A name to list the experiment under (default: the scenario's name)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the experiment completes, fails or is stopped (exit 0 only when completed)" };
        var server = ServerOption();
        var json = JsonOption();
        var command = new Command("submit", "Submit a scenario to an experiment service") { file, seed, partitions, name, wait, server, json };
        command.SetAction(parse => Call(parse.GetValue(server), async client =>
        {
            var scenario = parse.GetValue(file)!;
            if (!scenario.Exists) return Usage($"{scenario.FullName}: scenario file not found");
            var query = new List<string> { $"file={Uri.EscapeDataString(scenario.Name)}" };
            // Relative paths in the scenario (CDF files, vSwitch rules) resolve beside it when the service runs on this machine.
            if (IsLoopback(ServiceClient.Resolve(parse.GetValue(server)))) query.Add($"base={Uri.EscapeDataString(scenario.DirectoryName!)}");
            if (parse.GetValue(seed) is { } s) query.Add($"seed={s.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(partitions) is { } p) query.Add($"partitions={p.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(name) is { } n) query.Add($"name={Uri.EscapeDataString(n)}");
            var submitted = await client.Post($"/experiments?{string.Join('&', query)}", await File.ReadAllTextAsync(scenario.FullName));
            if (!submitted.Ok || !parse.GetValue(wait)) return Print(submitted, parse.GetValue(json), PrintView);
            var id = submitted.View().Id;
            if (!parse.GetValue(json)) Console.WriteLine($"submitted {id}");
            while (true)
            {
                await Task.Delay(PollInterval);
                var status = await client.Get($"/experiments/{Escape(id)}");
                // A busy cluster (503) is waited out; any other problem (the service forgot the experiment: restarted) ends the wait.
                if (status.Status == 503) continue;
                if (!status.Ok) return Print(status, parse.GetValue(json), PrintView);
                if (status.View().State is ExperimentState.Queued or ExperimentState.Running or ExperimentState.Paused) continue;
                Print(status, parse.GetValue(json), PrintView);
                return status.View().State == ExperimentState.Completed ? ExitCodes.Ok : ExitCodes.Failed;
            }
        }));
        return command;
    }

    private static bool IsLoopback(string server) => server.StartsWith("127.", StringComparison.Ordinal) || server.StartsWith("localhost:", StringComparison.Ordinal);

    private static Command Query()
    {
        var id = new Argument<string>("ID") { Description = "Experiment id" };
        var path = new Argument<string>("PATH") { Description = "An entity's path (host3, host3/kvm-0/stack), or servers, servers/NAME, entities/PATH, series?name=PREFIX" };
        var server = ServerOption();
        var json = JsonOption();
        var command = new Command("query", "Show the counters of a running (or completed) experiment") { id, path, server, json };
        command.SetAction(parse => Call(parse.GetValue(server), async client =>
            Print(await client.Get($"/experiments/{Escape(parse.GetValue(id)!)}/{Resource(parse.GetValue(path)!)}"), parse.GetValue(json), PrintTree)));
        return command;
    }

    /// <summary>The service's resource for a query's PATH: its own names pass through, anything else is an entity's path.</summary>
    internal static string Resource(string path)
    {
        path = path.TrimStart('/');
        var first = path.Split('/', '?')[0];
        return first is "servers" or "entities" or "series" ? path : $"entities/{path.TrimEnd('/')}";
    }

    private static Command Results()
    {
        var id = new Argument<string>("ID") { Description = "Experiment id" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Download every result file into this folder" };
        var server = ServerOption();
        var json = JsonOption();
        var command = new Command("results", "List (or download) the result files of a completed experiment") { id, output, server, json };
        command.SetAction(parse => Call(parse.GetValue(server), async client =>
        {
            var listed = await client.Get($"/experiments/{Escape(parse.GetValue(id)!)}/results");
            if (!listed.Ok || parse.GetValue(output) is not { } folder) return Print(listed, parse.GetValue(json), PrintFiles);
            folder.Create();
            foreach (var f in listed.Body.GetProperty("files").EnumerateArray())
            {
                var name = f.GetProperty("name").GetString()!;
                if (LocalFile(folder.FullName, name) is not { } file)
                {
                    Console.Error.WriteLine($"dcsim: the service lists a result file '{name}' that would lie outside {folder.FullName}: nothing more is downloaded");
                    return ExitCodes.Failed;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await client.DownloadTo(f.GetProperty("href").GetString()!, file);
            }
            Console.WriteLine($"{listed.Body.GetProperty("files").GetArrayLength()} file(s) in {folder.FullName}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Where a listed result file goes in <paramref name="folder"/> (pcap/NAME.pcap in its pcap folder), or null for a name leading out of it.</summary>
    internal static string? LocalFile(string folder, string name)
    {
        var root = Path.GetFullPath(folder);
        var file = Path.GetFullPath(Path.Combine(root, name));
        return name.Length > 0 && !Path.IsPathRooted(name) && file.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? file : null;
    }

    private static async Task<int> Call(string? server, Func<ServiceClient, Task<int>> call)
    {
        ServiceClient client;
        try
        {
            client = new ServiceClient(ServiceClient.Resolve(server));
        }
        catch (UriFormatException)
        {
            Console.Error.WriteLine($"dcsim: --server expects HOST:PORT, got '{ServiceClient.Resolve(server)}'");
            return ExitCodes.BadInput;
        }
        using var _ = client;
        try
        {
            return await call(client);
        }
        catch (Exception ex) when (ex is ServiceUnreachableException or HttpRequestException or TaskCanceledException or JsonException)
        {
            Console.Error.WriteLine($"dcsim: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Print(ServiceClient.Answer answer, bool json, Action<JsonElement> print)
    {
        if (!answer.Ok)
        {
            Console.Error.WriteLine($"dcsim: {answer.Problem()}");
            return answer.Status is >= 400 and < 500 and not 409 ? ExitCodes.BadInput : ExitCodes.Failed;
        }
        if (json) Console.WriteLine(answer.Text.TrimEnd());
        else print(answer.Body);
        return ExitCodes.Ok;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"dcsim: {message}");
        return ExitCodes.BadInput;
    }

    private static void PrintList(JsonElement body)
    {
        var rows = body.GetProperty("experiments").EnumerateArray().Select(e => e.Deserialize<ExperimentView>(ExperimentService.Json)!)
            .Select(v => new[] { v.Id, v.Name, v.State.Name(), $"{v.Progress * 100:0.0}%", SimTime.Format(v.SimulatedTimePs), $"{v.WallSeconds:0.0} s" });
        PrintTable(["ID", "NAME", "STATE", "PROGRESS", "SIMULATED", "WALL"], [.. rows]);
    }

    private static void PrintView(JsonElement body)
    {
        var v = body.Deserialize<ExperimentView>(ExperimentService.Json)!;
        PrintTable(["", ""],
        [
            ["id", v.Id], ["name", v.Name], ["state", v.State.Name()], ["seed", v.Seed.ToString(CultureInfo.InvariantCulture)],
            ["progress", $"{v.Progress * 100:0.0}% ({SimTime.Format(v.SimulatedTimePs)} of {SimTime.Format(v.EndTimePs)})"],
            ["windows", v.Windows.ToString("N0", CultureInfo.InvariantCulture)], ["events", v.Events.ToString("N0", CultureInfo.InvariantCulture)],
            ["wall", $"{v.WallSeconds:0.000} s"],
            .. v.SimulatingSeconds is { } simulating ? [["simulating", $"{simulating:0.000} s (partitions busy {v.BusySeconds:0.000} s)"]] : Array.Empty<string[]>(),
            ["partitions", v.Partitions.ToString(CultureInfo.InvariantCulture)],
            .. v.Members.Select((m, i) => new[] { $"  partition {i}", m }),
            .. v.Error is null ? Array.Empty<string[]>() : [["error", v.Error]],
        ], header: false);
    }

    private static void PrintFiles(JsonElement body) => PrintTable(["FILE", "BYTES"],
        [.. body.GetProperty("files").EnumerateArray().Select(f => new[] { f.GetProperty("name").GetString()!, f.GetProperty("bytes").GetInt64().ToString(CultureInfo.InvariantCulture) })]);

    /// <summary>A counters answer is a tree: printed indented, one value a line.</summary>
    private static void PrintTree(JsonElement body) => Console.WriteLine(JsonSerializer.Serialize(body, new JsonSerializerOptions { WriteIndented = true }));

    private static void PrintTable(string[] columns, IReadOnlyList<string[]> rows, bool header = true)
    {
        var widths = columns.Select((c, i) => rows.Select(r => r[i].Length).Append(header ? c.Length : 0).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
        if (header) Console.WriteLine(Line(columns));
        foreach (var row in rows) Console.WriteLine(Line(row));
    }
}
