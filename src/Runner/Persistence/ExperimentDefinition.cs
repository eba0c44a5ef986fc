using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Persistence;

/// <summary>
/// Where one VM or container was placed, in the compact form the journal keeps: its endpoint is implied by its position
/// (hosts + index), its name by its template and ordinal, and its addresses and pinned cores are recomputed from the scenario.
/// </summary>
public readonly record struct PlacedEntity(EntityKind Kind, int Template, int Ordinal, int Server, int ParentVm);

/// <summary>
/// What an experiment is, as recorded once when it starts: its name and seed, the resolved scenario (enough to build the
/// run again), how many partitions it was split into and which one holds each LP (a partition may hold none when the run asked
/// for more than the fabric has racks and switches), the placement of every VM and container, and the directory the scenario's
/// relative paths (CDF and rules files) resolve against. Placement is kept even though the scenario determines it today,
/// because live migration will move entities and a resumed run starts from where they are.
/// </summary>
public sealed record ExperimentDefinition(string Name, ulong Seed, string ScenarioHocon, int Partitions, int[] PartitionOfLp,
    PlacedEntity[] Placement, string BaseDirectory)
{
    /// <summary>The definition of a run of <paramref name="scenario"/> split by <paramref name="layout"/>.</summary>
    public static ExperimentDefinition Of(ScenarioSettings scenario, IPartitionLayout layout) => new(
        scenario.Name, scenario.Seed, scenario.ResolvedHocon, layout.Partitions, [.. layout.PartitionOfLp],
        [.. scenario.Datacenter().Plan.Entities.Select(e => new PlacedEntity(e.Kind, e.Template, e.Ordinal, e.Server, e.ParentVm))],
        Path.GetFullPath(scenario.BaseDirectory));
}
