using System.CommandLine;

namespace DcSim.Runner.Commands;

/// <summary>
/// dcsim's commands by name, in the order help lists them. Only the invoked command is built: a one-process run's node starts once its
/// command line is read, and building the other 24 commands' options and actions first was start-up the run waited for
/// (docs/benchmarks.md, "Issue 14: the command line and the scenario's words"). Help, no command or an unknown one get them all.
/// </summary>
internal static class CommandTable
{
    internal static IEnumerable<(string Name, Func<Command> Create)> All =>
    [
        ("run", RunCommand.Create),
        ("node", NodeCommand.Create),
        ("validate", ValidateCommand.Create),
        ("journal", JournalCommand.Create),
        ("bench", BenchCommand.Create),
        ("bench-remote", BenchRemoteCommand.Create),
        ("bench-vms", BenchVmsCommand.Create),
        ("bench-hosts", BenchHostsCommand.Create),
        ("cache-sweep", CacheSweepCommand.Create),
        ("tcp-compare", TcpCompareCommand.Create),
        ("sweep", SweepCommand.Create),
        ("bench-megaflow", MegaflowBenchCommand.Create),
        ("ovs-trace", OvsTraceCommand.Create),
        ("bench-classifier", ClassifierBenchCommand.Create),
        ("report", ReportCommand.Create),
        ("bench-queries", QueryLoadBenchCommand.Create),
        ("shell", ShellCommand.Create),
        .. ClientCommands.Factories,
    ];

    /// <summary>The command <paramref name="args"/> names, alone; every command when it names none of them.</summary>
    public static IEnumerable<Command> For(string[] args)
    {
        var invoked = args.Length == 0 ? null : All.FirstOrDefault(c => c.Name == args[0]).Create;
        return invoked is null ? All.Select(c => c.Create()) : [invoked()];
    }
}
