using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost;

/// <summary>
/// A one-process run's partitions, built on a pool thread while its node starts (<see cref="FabricModel.BuildAhead"/>): Akka's start
/// is the longer way to the first window, and the command's thread only waits for it, so the partition actors take these instead of
/// building them after it. The layout is made first (a balanced one's pilot runs here too, and the coordinator then finds it made),
/// the partitions one after the other, as the actors build theirs (one at a time in a process). Each is taken once, and only for the
/// very settings and layout it was built for: any other build (another run, a run started again after a failure) builds anew, and so
/// does one whose build here failed (it then fails there, saying why).
/// </summary>
internal sealed class PartitionsAhead
{
    private readonly ScenarioSettings _scenario;
    private readonly Task<(int[] Layout, Partition?[] Partitions)> _built;

    public PartitionsAhead(ScenarioSettings scenario, Func<FabricLayout> layout, Func<ScenarioSettings, FabricLayout, int, Partition> build)
    {
        _scenario = scenario;
        _built = Task.Run(() =>
        {
            var made = layout();
            var built = new Partition?[made.Partitions];
            for (var index = 0; index < built.Length; index++) built[index] = build(scenario, made, index);
            return (made.PartitionOfLp, built);
        });
    }

    /// <summary>
    /// Partition <paramref name="index"/> of <paramref name="partitions"/> of <paramref name="scenario"/> on <paramref name="partitionOfLp"/> if
    /// built here and not yet taken; else null.
    /// </summary>
    public Partition? Take(ScenarioSettings scenario, int partitions, int[] partitionOfLp, int index)
    {
        if (!ReferenceEquals(scenario, _scenario)) return null;
        (int[] Layout, Partition?[] Partitions) built;
        try
        {
            built = _built.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
        return built.Partitions.Length == partitions && built.Layout.AsSpan().SequenceEqual(partitionOfLp)
            ? Interlocked.Exchange(ref built.Partitions[index], null)
            : null;
    }
}
