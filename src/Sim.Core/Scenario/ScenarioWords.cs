using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Scenario;

/// <summary>The words scenario files use for enumerations, shared by reading and by writing the resolved scenario.</summary>
public static class ScenarioWords
{
    public static readonly ScenarioWordList QueueUnits = new(("packets", (int)QueueLimitUnit.Packets), ("bytes", (int)QueueLimitUnit.Bytes));

    /// <summary>HOCON's boolean words (as Akka reads them), true as 1; the resolved scenario writes true and false.</summary>
    public static readonly ScenarioWordList Booleans = new(("true", 1), ("false", 0), ("yes", 1), ("no", 0), ("on", 1), ("off", 0));

    public const string AutoPartitions = "auto";

    public static readonly ScenarioWordList PartitionLayouts = new(("balanced", (int)PartitionLayoutKind.Balanced), ("round-robin", (int)PartitionLayoutKind.RoundRobin));
}
