using System.CommandLine;
using DcSim.Runner.Commands;
using DcSim.Runner.Hosting;

StartTimeline.Mark("main");

// Akka's dispatchers share the .NET thread pool; on a 2-core machine its default minimum of 2 threads
// let a burst of cluster work wait ~0.5 s for thread injection (seen as runs taking 2x longer at random).
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 8), Math.Max(io, 8));

var root = new RootCommand("DcSim: a deterministic simulator of virtualized datacenters");
foreach (var command in CommandTable.For(args)) root.Subcommands.Add(command);
var parse = root.Parse(args);
if (CommandLineErrors.UnknownCommand(root, parse) is { } unknown)
{
    Console.Error.WriteLine(unknown);
    return ExitCodes.BadInput;
}
// Ctrl-C cancels the command's token; a run then stops its workers and leaves the cluster within its own
// limit (System.CommandLine's default of 2 s would end the process before it could say it was interrupted).
var exit = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
// System.CommandLine answers a parse error with 1; like every other bad input it is 2 here.
return parse.Errors.Count > 0 && exit == 1 ? ExitCodes.BadInput : exit;
