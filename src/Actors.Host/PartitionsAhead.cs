using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost;

/// <summary>
/// A one-process run's partitions, built on a pool thread while its node starts (<see cref="FabricModel.BuildAhead"/>): Akka's start
/// is the longer way to the first window, and the command's thread only waits for it, so the partition actors take these instead of
/// building them after it. Built one after the other, as the actors build theirs (one at a time in a process). Each is taken once,
/// and only for the very settings and partition count it was built for: any other build (another run, a run started again after a
/// failure) builds anew, and so does one whose build here failed (it then fails there, saying why).
/// </summary>
internal sealed class PartitionsAhead
{
    private readonly ScenarioSettings _scenario;
    private readonly Task<Partition?[]> _built;

    public PartitionsAhead(ScenarioSettings scenario, int partitions, Func<int, Partition> build)
    {
        _scenario = scenario;
        _built = Task.Run(() =>
        {
            var built = new Partition?[partitions];
            for (var index = 0; index < partitions; index++) built[index] = build(index);
            return built;
        });
    }

    /// <summary>Partition <paramref name="index"/> of <paramref name="partitions"/> of <paramref name="scenario"/> if built here and not yet taken; else null.</summary>
    public Partition? Take(ScenarioSettings scenario, int partitions, int index)
    {
        if (!ReferenceEquals(scenario, _scenario)) return null;
        Partition?[] built;
        try
        {
            built = _built.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
        return built.Length == partitions ? Interlocked.Exchange(ref built[index], null) : null;
    }
}
