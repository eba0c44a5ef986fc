using System.CommandLine;
using System.Diagnostics;
using Akka.Configuration;
using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using DcSim.Runner.Service;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim node --port P [--seed-node HOST:PORT] [--journal CONNECTION] [--http PORT [--http-host HOST] [--experiments DIR]]`: starts a
/// cluster member, or joins one, and serves until stopped; with --http it also serves the experiment service (docs/service.md).
/// </summary>
internal static class NodeCommand
{
    /// <summary>How the line a node prints once started begins (followed by its address): `dcsim run` reads it from its workers.</summary>
    public const string StartLinePrefix = "dcsim node ";
    /// <summary>Printed once the member is up in the cluster (joined, not only started): a script may submit once every member said so.</summary>
    public const string UpLinePrefix = "dcsim member up ";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port)", Required = true };
        var hostname = new Option<string>("--hostname") { Description = "Address to bind and advertise", DefaultValueFactory = _ => "127.0.0.1" };
        var seedNode = new Option<string?>("--seed-node") { Description = "HOST:PORT of a member to join; omit to start a new cluster" };
        var parentPid = new Option<int?>("--parent-pid") { Description = "Exit when this process exits (used by `dcsim run --nodes`)", Hidden = true };
        var verbose = new Option<bool>("--verbose") { Description = "Print Akka's log on stderr instead of a file under the temp folder" };
        var journal = new Option<string?>(JournalChoice.OptionName) { Description = "The PostgreSQL database (URL or connection string) the members of the cluster share for persisted state; checked at start" };
        var http = new Option<int?>("--http") { Description = "Serve the experiment service (submit, list, status, query, results) on this TCP port (0 = any free port)" };
        var httpHost = new Option<string>("--http-host") { Description = "Address the experiment service binds", DefaultValueFactory = _ => "127.0.0.1" };
        var experiments = new Option<DirectoryInfo>("--experiments")
        {
            Description = "With --http: folder under which each experiment's results go (DIR/ID/)",
            DefaultValueFactory = _ => new DirectoryInfo(DefaultExperiments),
        };
        var command = new Command("node", "Start or join a DcSim cluster member") { port, hostname, seedNode, parentPid, journal, http, httpHost, experiments, verbose };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(port), parse.GetValue(hostname)!, parse.GetValue(seedNode), parse.GetValue(parentPid),
            parse.GetValue(journal), new ServiceOptions(parse.GetValue(http), parse.GetValue(httpHost)!, parse.GetValue(experiments)!),
            AkkaLog.For("node", parse.GetValue(verbose)), cancel));
        return command;
    }

    /// <summary>Where the experiment service puts results unless --experiments says.</summary>
    public const string DefaultExperiments = "experiments";

    /// <summary>The experiment service's options: <paramref name="Port"/> null for none.</summary>
    private sealed record ServiceOptions(int? Port, string Host, DirectoryInfo Folder);

    private static async Task<int> Execute(int port, string hostname, string? seedNode, int? parentPid, string? journal, ServiceOptions service, AkkaLog log,
        CancellationToken cancel)
    {
        if (service.Port is < 0 or > 65535)
        {
            Console.Error.WriteLine($"dcsim: --http expects a TCP port, got {service.Port}");
            return ExitCodes.BadInput;
        }
        if (seedNode is not null && !HostPort.IsValid(seedNode))
        {
            Console.Error.WriteLine($"dcsim: --seed-node expects HOST:PORT, got '{seedNode}'");
            return ExitCodes.BadInput;
        }
        JournalSettings? shared = null;
        Config? store = null;
        try
        {
            if (journal is not null)
            {
                shared = JournalTarget.Resolve(journal, Environment.CurrentDirectory, PersistenceSettings.Defaults.ProgressBatch);
                if (shared is { Store: not JournalStore.Postgres })
                    throw new JournalUnavailableException("a node's journal is a PostgreSQL database the members share (a SQLite file is written by one process: `dcsim run`'s default)");
                store = shared is null ? null : JournalConfig.Build(shared);
            }
        }
        catch (JournalUnavailableException ex)
        {
            Console.Error.WriteLine($"dcsim: {JournalChoice.OptionName}: {ex.Message}");
            return ExitCodes.BadInput;
        }
        await using var node = SimNode.Start(hostname, port, seedNode is null ? [] : [seedNode], log, store);
        if (seedNode is null) node.Cluster.Join(node.Cluster.SelfAddress);
        var journalNote = shared is null ? "" : $", journal {shared.Display}";
        ExperimentService? server = null;
        if (service.Port is { } httpPort)
        {
            try
            {
                server = await StartService(node, httpPort, service);
            }
            catch (Exception ex) when (ex is EndpointBindException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"dcsim: --http {httpPort}: {ex.Message}");
                return ExitCodes.BadInput;
            }
            journalNote += $", experiment service {server.Address.ToString().TrimEnd('/')} (results under {service.Folder.FullName})";
        }
        await using var serverLifetime = server;
        Console.WriteLine($"{StartLinePrefix}{node.Cluster.SelfAddress} {(seedNode is null ? "started a cluster" : $"joining {seedNode}")}{journalNote}{log.Hint}");
        node.Cluster.RegisterOnMemberUp(() => Console.WriteLine($"{UpLinePrefix}{node.Cluster.SelfAddress}"));
        var parent = parentPid is { } pid ? TryGetProcess(pid) : null;
        // Ctrl-C or SIGTERM cancels the token. A cancelled delay completes at once without throwing inside WhenAny, so the loop must look
        // at the token itself: it once spun until System.CommandLine's termination timeout killed the process (exit 143 after 30 s).
        while (!node.System.WhenTerminated.IsCompleted && !(parent?.HasExited ?? false) && !cancel.IsCancellationRequested)
            await Task.WhenAny(node.System.WhenTerminated, Task.Delay(500, cancel));
        return ExitCodes.Ok;
    }

    private static Task<ExperimentService> StartService(SimNode node, int port, ServiceOptions service)
    {
        Directory.CreateDirectory(service.Folder.FullName);
        var cluster = node.Cluster;
        var registry = node.System.ActorOf(ExperimentRegistry.Props(node.CoordinatorProxy(), service.Folder.FullName,
            () => cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up), node.PartitionRegion), "experiments");
        return ExperimentService.StartAsync(service.Host, port, registry, service.Folder.FullName, Environment.CurrentDirectory);
    }

    private static Process? TryGetProcess(int pid)
    {
        try { return Process.GetProcessById(pid); }
        catch (ArgumentException) { return null; }
    }
}
