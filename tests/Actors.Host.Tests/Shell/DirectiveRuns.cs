using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Tests.Shell;

/// <summary>Runs with shell directives, applied as the coordinator does (<see cref="InProcessRun"/>), and directives written as the shell takes them.</summary>
internal static class DirectiveRuns
{
    /// <summary>The results, and what became of each directive in time order (null: no server took it).</summary>
    public static (ResultsBuilder Results, List<DirectiveResult?> Applied) Run(ScenarioSettings scenario, int partitions, params Directive[] directives)
    {
        var applied = new List<DirectiveResult?>();
        var results = InProcessRun.Run(FabricModel.Instance, scenario, partitions, directives: directives, applied: (_, r) => applied.Add(r));
        return (results, applied);
    }

    /// <summary>Directive <paramref name="id"/> at <paramref name="time"/>: <paramref name="line"/> as typed ("ping host0 host1 count 3").</summary>
    public static Directive At(long time, long id, string line)
    {
        var words = line.Split(' ');
        return new Directive(id, time, words[0], words[1..]);
    }
}
