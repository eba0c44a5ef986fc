using System.CommandLine;
using DcSim.Runner.Commands;

// Akka's dispatchers share the .NET thread pool; on a 2-core machine its default minimum of 2 threads
// let a burst of cluster work wait ~0.5 s for thread injection (seen as runs taking 2x longer at random).
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 8), Math.Max(io, 8));

var root = new RootCommand("DcSim: a deterministic simulator of virtualized datacenters")
{
    RunCommand.Create(),
    NodeCommand.Create(),
    ValidateCommand.Create(),
    BenchCommand.Create(),
    CacheSweepCommand.Create(),
    MegaflowBenchCommand.Create(),
    OvsTraceCommand.Create(),
    ClassifierBenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
