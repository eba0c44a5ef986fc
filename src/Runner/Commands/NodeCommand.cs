using System.CommandLine;
using System.Diagnostics;
using Akka.Configuration;
using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;

namespace DcSim.Runner.Commands;

/// <summary>`dcsim node --port P [--seed-node HOST:PORT] [--journal CONNECTION]`: starts a cluster member, or joins one, and serves until stopped.</summary>
internal static class NodeCommand
{
    /// <summary>How the line a node prints once started begins (followed by its address): `dcsim run` reads it from its workers.</summary>
    public const string StartLinePrefix = "dcsim node ";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port)", Required = true };
        var hostname = new Option<string>("--hostname") { Description = "Address to bind and advertise", DefaultValueFactory = _ => "127.0.0.1" };
        var seedNode = new Option<string?>("--seed-node") { Description = "HOST:PORT of a member to join; omit to start a new cluster" };
        var parentPid = new Option<int?>("--parent-pid") { Description = "Exit when this process exits (used by `dcsim run --nodes`)", Hidden = true };
        var verbose = new Option<bool>("--verbose") { Description = "Print Akka's log on stderr instead of a file under the temp folder" };
        var journal = new Option<string?>(JournalChoice.OptionName) { Description = "The PostgreSQL database (URL or connection string) the members of the cluster share for persisted state; checked at start" };
        var command = new Command("node", "Start or join a DcSim cluster member") { port, hostname, seedNode, parentPid, journal, verbose };
        command.SetAction((parse, cancel) => Execute(parse.GetValue(port), parse.GetValue(hostname)!, parse.GetValue(seedNode), parse.GetValue(parentPid),
            parse.GetValue(journal), AkkaLog.For("node", parse.GetValue(verbose)), cancel));
        return command;
    }

    private static async Task<int> Execute(int port, string hostname, string? seedNode, int? parentPid, string? journal, AkkaLog log, CancellationToken cancel)
    {
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
        Console.WriteLine($"{StartLinePrefix}{node.Cluster.SelfAddress} {(seedNode is null ? "started a cluster" : $"joining {seedNode}")}{journalNote}{log.Hint}");
        var parent = parentPid is { } pid ? TryGetProcess(pid) : null;
        try
        {
            while (!node.System.WhenTerminated.IsCompleted && !(parent?.HasExited ?? false))
                await Task.WhenAny(node.System.WhenTerminated, Task.Delay(500, cancel));
        }
        catch (OperationCanceledException) { }
        return ExitCodes.Ok;
    }

    private static Process? TryGetProcess(int pid)
    {
        try { return Process.GetProcessById(pid); }
        catch (ArgumentException) { return null; }
    }
}
