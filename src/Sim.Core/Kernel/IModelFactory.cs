using DcSim.SimCore.Scenario;

namespace DcSim.SimCore.Kernel;

/// <summary>Builds a scenario's LPs; implemented by the model (Actors.Host) so that the kernel stays model-agnostic.</summary>
public interface IModelFactory
{
    IPartitionLayout Layout(ScenarioSettings scenario, int partitions);

    /// <summary>Creates partition <paramref name="index"/> with its LPs attached (not yet started).</summary>
    Partition BuildPartition(ScenarioSettings scenario, int partitions, int index);
}
