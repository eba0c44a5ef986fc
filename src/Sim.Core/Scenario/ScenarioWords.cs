using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Scenario;

/// <summary>The words scenario files use for enumerations, shared by reading and by writing the resolved scenario.</summary>
internal static class ScenarioWords
{
    public static readonly IReadOnlyList<(string Word, GeneratorKind Value)> Kinds =
        [("cbr", GeneratorKind.Cbr), ("poisson", GeneratorKind.Poisson), ("on-off", GeneratorKind.OnOff), ("request-response", GeneratorKind.RequestResponse)];

    public static readonly IReadOnlyList<(string Word, DestinationPattern Value)> Destinations =
        [("random", DestinationPattern.Random), ("permutation", DestinationPattern.Permutation), ("incast", DestinationPattern.Incast), ("fixed", DestinationPattern.Fixed)];

    public static readonly IReadOnlyList<(string Word, SizeDistribution Value)> SizeDistributions =
        [("fixed", SizeDistribution.Fixed), ("exponential", SizeDistribution.Exponential)];

    public static readonly IReadOnlyList<(string Word, PeriodDistribution Value)> PeriodDistributions =
        [("fixed", PeriodDistribution.Fixed), ("exponential", PeriodDistribution.Exponential)];

    public static readonly IReadOnlyList<(string Word, QueueLimitUnit Value)> QueueUnits =
        [("packets", QueueLimitUnit.Packets), ("bytes", QueueLimitUnit.Bytes)];

    public static readonly IReadOnlyList<(string Word, VSwitchDatapath Value)> VSwitchDatapaths =
        [("kernel", VSwitchDatapath.Kernel), ("netdev", VSwitchDatapath.Netdev)];

    /// <summary>HOCON's boolean words (as Akka reads them); the resolved scenario writes true and false.</summary>
    public static readonly IReadOnlyList<(string Word, bool Value)> Booleans =
        [("true", true), ("false", false), ("yes", true), ("no", false), ("on", true), ("off", false)];

    public const string AllHosts = "all";
    public const string AutoPartitions = "auto";

    public static string WordOf<T>(IReadOnlyList<(string Word, T Value)> words, T value) where T : struct, Enum =>
        words.First(w => EqualityComparer<T>.Default.Equals(w.Value, value)).Word;
}
