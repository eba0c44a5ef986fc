using DcSim.SimCore.Scenario;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// Reads a scenario's model settings and builds its LPs; implemented by the model (Actors.Host) so that the
/// kernel stays model-agnostic. Every node reads the scenario text it is sent with the same reader.
/// </summary>
public interface IModelFactory : IScenarioModelReader
{
    IPartitionLayout Layout(ScenarioSettings scenario, int partitions);

    /// <summary>
    /// Creates partition <paramref name="index"/> of <paramref name="partitions"/> with its LPs attached (not yet started), on the layout
    /// <see cref="Layout"/> made (<paramref name="partitionOfLp"/>, by LP id; the coordinator makes it once and sends it to every partition).
    /// </summary>
    Partition BuildPartition(ScenarioSettings scenario, int partitions, int[] partitionOfLp, int index);

    /// <summary>
    /// Why no LP of <paramref name="scenario"/>'s model took <paramref name="directive"/> (an unknown verb, or one naming nothing the model
    /// holds): the client is told.
    /// </summary>
    string Unclaimed(ScenarioSettings scenario, Directive directive) => $"nothing in the model takes '{directive.Verb}' with arguments '{string.Join(' ', directive.Arguments)}'";
}
