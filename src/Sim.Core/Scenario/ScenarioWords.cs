using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Scenario;

/// <summary>The words scenario files use for enumerations, shared by reading and by writing the resolved scenario.</summary>
public static class ScenarioWords
{
    public static readonly IReadOnlyList<(string Word, QueueLimitUnit Value)> QueueUnits =
        [("packets", QueueLimitUnit.Packets), ("bytes", QueueLimitUnit.Bytes)];

    /// <summary>HOCON's boolean words (as Akka reads them); the resolved scenario writes true and false.</summary>
    public static readonly IReadOnlyList<(string Word, bool Value)> Booleans =
        [("true", true), ("false", false), ("yes", true), ("no", false), ("on", true), ("off", false)];

    public const string AutoPartitions = "auto";

    public static string WordOf<T>(IReadOnlyList<(string Word, T Value)> words, T value) where T : struct, Enum =>
        words.First(w => EqualityComparer<T>.Default.Equals(w.Value, value)).Word;
}
