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

    /// <summary>The first word for <paramref name="value"/> (a loop, not a lambda: see <see cref="ScenarioSection.TryWord{T}"/>).</summary>
    public static string WordOf<T>(IReadOnlyList<(string Word, T Value)> words, T value) where T : struct, Enum
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(words[i].Value, value)) return words[i].Word;
        }
        throw new InvalidOperationException($"no word for {value}");
    }
}
