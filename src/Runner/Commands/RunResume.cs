using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim run --resume DIR`: the run recorded in DIR/journal.db (or in the database DIR/journal.id points into), rebuilt from its definition alone (the resolved scenario
/// and seed it holds; the scenario file may be gone), with the cut it continues from (<see cref="ResumePoint"/>).
/// </summary>
internal sealed record RunResume(RunJournal Journal, ExperimentDefinition Definition, ScenarioSettings Scenario, RecoveryPoint From)
{
    /// <summary>The run to resume, or null after printing why there is none (a bad input: exit 2, nothing written).</summary>
    /// <param name="database">The database the run was journaled in (`--journal`), or null for DIR/journal.db (also for `--journal off`).</param>
    public static async Task<RunResume?> OpenAsync(string directory, JournalSettings? database, bool force, AkkaLog log)
    {
        RunJournal journal;
        ExperimentRecord record;
        try
        {
            journal = RunJournal.OpenFolder(directory, log, database);
            record = await journal.QueryAsync();
        }
        catch (JournalUnavailableException ex)
        {
            return Refuse($"--resume {directory}: {ex.Message}: nothing to resume");
        }
        var refusal = record.Definition is null ? "the run stopped before its definition was recorded: run its scenario again"
            : record.Completed ? $"the run '{record.Definition.Name}' completed: its results are in {directory}; there is nothing to resume"
            : null;
        if (refusal is null && Load(record.Definition!, journal.Settings.Display, force) is { } scenario)
            return new RunResume(journal, record.Definition!, scenario, ResumePoint.Of(record));
        await journal.DisposeAsync();
        return refusal is null ? null : Refuse($"--resume {directory}: {refusal}");
    }

    /// <summary>The recorded scenario, checked as a scenario about to run; its problems are printed as FILE:LINE: KEY: MESSAGE.</summary>
    private static ScenarioSettings? Load(ExperimentDefinition definition, string journalPath, bool force)
    {
        try
        {
            var scenario = ScenarioLoader.Parse(definition.ScenarioHocon, $"{journalPath} (recorded scenario)", definition.BaseDirectory,
                ActorsHost.FabricModel.Instance, definition.Seed, ScenarioFile.Checks(force), out var warnings);
            foreach (var warning in warnings) Console.Error.WriteLine(warning);
            return scenario;
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return null;
        }
    }

    private static RunResume? Refuse(string message)
    {
        Console.Error.WriteLine($"dcsim: {message}");
        return null;
    }
}
