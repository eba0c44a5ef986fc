using System.CommandLine;
using System.Globalization;
using DcSim.Runner.Hosting;
using DcSim.Runner.Service;
using DcSim.Runner.Shell;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim shell [SCENARIO] [--server HOST:PORT --experiment ID] [--script FILE] [--record FILE] [--seed N]`: the Mininet-like shell
/// (docs/shell.md). On a scenario it starts its own node (local: no cluster) and experiment service on 127.0.0.1 (an ephemeral port,
/// as `dcsim node --http 0`) and submits the scenario held at time 0; with --experiment it drives one of a running service.
/// </summary>
internal static class ShellCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo?>("scenario") { Arity = ArgumentArity.ZeroOrOne, Description = "Scenario HOCON file to start, held at time 0" };
        var server = new Option<string?>("--server") { Description = $"With --experiment: HOST:PORT of the service (default ${ServiceClient.ServerVariable}, else {ServiceClient.DefaultServer})" };
        var experiment = new Option<string?>("--experiment") { Description = "Drive this experiment of a running service instead of starting a scenario" };
        var script = new Option<FileInfo?>("--script") { Description = "Run the commands of this file (one a line, # comments) and exit; stops at the first that fails" };
        var record = new Option<FileInfo?>("--record") { Description = "Write each command as it is carried out to this file: a script that replays the session" };
        var seed = new Option<ulong?>("--seed") { Description = "With SCENARIO: override its seed" };
        var verbose = new Option<bool>("--verbose") { Description = "Print Akka's log on stderr instead of a file under the temp folder" };
        var command = new Command("shell", "An interactive shell on an experiment in virtual time: nodes, links, ping, pingall, iperf, dump, run, migrate (docs/shell.md)")
        {
            scenario, server, experiment, script, record, seed, verbose,
        };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(scenario), parse.GetValue(server), parse.GetValue(experiment), parse.GetValue(script),
            parse.GetValue(record), parse.GetValue(seed), AkkaLog.For("shell", parse.GetValue(verbose)), cancel));
        return command;
    }

    private static async Task<int> Execute(FileInfo? scenario, string? server, string? experiment, FileInfo? script, FileInfo? record, ulong? seed, AkkaLog log,
        CancellationToken cancel)
    {
        if ((scenario is null) == (experiment is null)) return Usage("give a scenario to start, or --experiment ID of a running service (not both)");
        if (scenario is not null && server is not null) return Usage("--server goes with --experiment: a scenario runs on the shell's own member");
        if (experiment is not null && seed is not null) return Usage("--seed goes with a scenario: a running experiment has its seed");
        if (scenario is { Exists: false }) return Usage($"{scenario.FullName}: scenario file not found");
        if (script is { Exists: false }) return Usage($"--script {script.FullName}: file not found");
        if (experiment is not null)
        {
            var address = ServiceClient.Resolve(server);
            if (!HostPort.IsValid(address)) return Usage($"--server expects HOST:PORT, got '{address}'");
            using var client = new ServiceClient(address);
            return await Drive(new ShellApi(client, experiment), script, record, owned: false, cancel);
        }
        return await OnOwnService(scenario!, seed, log, script, record, cancel);
    }

    /// <summary>Starts a local node and its service on 127.0.0.1, submits the scenario held at 0, and drives it; stops it at the end.</summary>
    private static async Task<int> OnOwnService(FileInfo scenario, ulong? seed, AkkaLog log, FileInfo? script, FileInfo? record, CancellationToken cancel)
    {
        var folder = Directory.CreateTempSubdirectory("dcsim-shell-").FullName;
        try
        {
            await using var node = SimNode.StartLocal(log);
            var registry = node.System.ActorOf(ExperimentRegistry.Props(node.CoordinatorProxy(), folder, () => 1), "experiments");
            await using var service = await ExperimentService.StartAsync("127.0.0.1", 0, registry, folder, Environment.CurrentDirectory);
            using var client = new ServiceClient($"{service.Address.Host}:{service.Address.Port}");
            var query = new List<string> { "paused=true", $"file={Uri.EscapeDataString(scenario.Name)}", $"base={Uri.EscapeDataString(scenario.DirectoryName!)}" };
            if (seed is { } s) query.Add($"seed={s.ToString(CultureInfo.InvariantCulture)}");
            var submitted = await client.Post($"/experiments?{string.Join('&', query)}", await File.ReadAllTextAsync(scenario.FullName, cancel));
            if (!submitted.Ok)
            {
                Console.Error.WriteLine($"dcsim: {submitted.Problem()}");
                return ExitCodes.BadInput;
            }
            var api = new ShellApi(client, submitted.View().Id);
            await api.Held();
            Console.Error.WriteLine($"dcsim shell: {scenario.Name} held at t=0 (experiment service {service.Address.ToString().TrimEnd('/')}){log.Hint}");
            return await Drive(api, script, record, owned: true, cancel);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads and carries out commands until exit or the end of the input; a script stops at its first failing command (exit 1).</summary>
    private static async Task<int> Drive(ShellApi api, FileInfo? script, FileInfo? record, bool owned, CancellationToken cancel)
    {
        await using var recording = record is null ? null : new StreamWriter(record.FullName) { AutoFlush = true };
        try
        {
            var interactive = script is null && !Console.IsInputRedirected;
            var session = await ShellSession.Open(api, Console.Out, recording is null ? null : recording.WriteLine, tables: interactive && !Console.IsOutputRedirected);
            using var file = script is null ? null : new StreamReader(script.FullName);
            var input = file is null ? ShellInput.Console(() => session.Names) : new ShellInput.Lines(file);
            if (interactive) Console.Error.WriteLine("type help for the commands, exit to leave");
            while (!session.Exited && await input.ReadLine(cancel) is { } line)
            {
                if (input.Echo && line.Trim().Length > 0) Console.WriteLine(ShellInput.Prompt + line.Trim());
                if (!await session.Execute(line) && script is not null) return ExitCodes.Failed;
            }
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is ShellException or ServiceUnreachableException)
        {
            Console.Error.WriteLine($"dcsim: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
        finally
        {
            if (owned) await api.Stop();
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"dcsim: {message}");
        return ExitCodes.BadInput;
    }
}
