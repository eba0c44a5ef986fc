using System.CommandLine;
using DcSim.Runner.Commands;

var root = new RootCommand("DcSim: a deterministic simulator of virtualized datacenters")
{
    RunCommand.Create(),
    NodeCommand.Create(),
    ValidateCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
