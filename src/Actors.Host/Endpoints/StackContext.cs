using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsHost.Virtualization;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>
/// What the stacks a builder makes have in common: the directory, the scenario's generators and seed, the stack's costs and TCP's
/// context. One object that thousands of stacks point to, instead of five fields in each (docs/benchmarks.md, "an idle host").
/// </summary>
internal sealed record StackContext(EndpointDirectory Directory, IReadOnlyList<GeneratorSettings> Generators, ulong Seed, StackCosts Costs, TcpContext Tcp);
