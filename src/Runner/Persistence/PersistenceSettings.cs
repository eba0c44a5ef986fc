using Akka.Configuration;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Persistence;

/// <summary>
/// The scenario's <c>persistence</c> section (config/reference.conf): where the journal goes and how many progress
/// reports make one progress event. The Runner reads it from the scenario text itself, because it is no part of the
/// simulated model and must never reach the resolved scenario that is echoed into the results (a connection string may
/// hold a password). Problems name their key; the scenario loader puts them at its line (<see cref="ScenarioChecks.Model"/>).
/// </summary>
public sealed record PersistenceSettings(string Journal, int ProgressBatch)
{
    public const string JournalKey = "persistence.journal";
    public const string ProgressBatchKey = "persistence.progress-batch";

    /// <summary>
    /// The scenario defaults of reference.conf, embedded in Sim.Core (the one home of every default); first, as <see cref="Defaults"/> reads it.
    /// The scenario loader's own parse: a second one of the 49 KB file took the main thread 15 ms (sampled at load 6) on the way to a
    /// run's first window (docs/benchmarks.md, "eleventh round").
    /// </summary>
    private static readonly Lazy<Config> Reference = new(() => ScenarioReference.ScenarioConfig);

    /// <summary>The defaults of reference.conf: what a run resumed from its journal uses, having no scenario file.</summary>
    public static PersistenceSettings Defaults { get; } = Read("", out _)!;

    /// <summary>
    /// The section of <paramref name="scenarioText"/> (HOCON the scenario loader has accepted) completed from reference.conf,
    /// or null with the <paramref name="problems"/> of the values that are not usable.
    /// </summary>
    public static PersistenceSettings? Read(string scenarioText, out IReadOnlyList<ScenarioProblem> problems)
    {
        // As the scenario loader reads it: its scanner's text, which Akka's parser takes (the raw text may use HOCON it does not).
        var config = ConfigurationFactory.ParseString(ScenarioHoconTree.AkkaText(scenarioText) ?? "").WithFallback(Reference.Value);
        var found = new List<ScenarioProblem>();
        var journal = config.GetString(JournalKey, "").Trim();
        if (journal.Length == 0) found.Add(new ScenarioProblem(JournalKey, JournalTarget.Expected));
        var batchText = config.GetString(ProgressBatchKey, "");
        if (!int.TryParse(batchText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var batch) || batch < 1)
            found.Add(new ScenarioProblem(ProgressBatchKey, $"expected a whole number of progress reports >= 1, found \"{batchText}\""));
        problems = found;
        return found.Count == 0 ? new PersistenceSettings(journal, batch) : null;
    }
}
