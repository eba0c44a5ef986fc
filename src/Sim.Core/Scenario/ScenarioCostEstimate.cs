using System.Globalization;

namespace DcSim.SimCore.Scenario;

/// <summary>
/// What a run of a scenario will roughly cost: memory (bytes) and simulated events, each with the scenario
/// key that drives it. A valid scenario can still be one that cannot fit in memory or would run for days; the
/// model estimates its runs (<see cref="IScenarioModel.EstimateCost"/>) and <see cref="ScenarioChecks"/> judges
/// the estimate before anything runs, so such a run is refused with the figure instead of dying hours later.
/// </summary>
public sealed record ScenarioCostEstimate(double MemoryBytes, string MemoryKey, double Events, string EventsKey)
{
    /// <summary>The process before the scenario: runtime, Akka, the cluster (measured: ~95 MB resident).</summary>
    public const double BaseBytes = 100e6;

    /// <summary>Simulated events per second of wall time the estimate of a duration assumes (DESIGN.md §7: 1-3.5 M).</summary>
    public const double EventsPerSecond = 2e6;

    /// <summary>"12.3 GB of memory (topology.hosts-per-leaf) and 4.5e9 events, about 38 min at 2 M events/s (...)".</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture,
            $"an estimated {Bytes(MemoryBytes)} of memory (driven by {MemoryKey}) and {Count(Events)} events (driven by {EventsKey}), about {Duration(Events / EventsPerSecond)} at {EventsPerSecond / 1e6:0} M events/s");

    private static string Bytes(double b) => b switch
    {
        >= 1e12 => string.Create(CultureInfo.InvariantCulture, $"{b / 1e12:0.#} TB"),
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{b / 1e9:0.#} GB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{b / 1e6:0} MB"),
    };

    private static string Count(double n) =>
        n < 1e6 ? n.ToString("0", CultureInfo.InvariantCulture) : n.ToString("0.0e0", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => seconds switch
    {
        >= 86400 => $"{Count(seconds / 86400)} days",
        >= 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
        >= 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
    };
}
