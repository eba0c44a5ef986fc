using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim run --resume DIR`: the run recorded in DIR/journal.db (or in the database DIR/journal.id points into), rebuilt from its definition alone (the resolved scenario
/// and seed it holds; the scenario file may be gone), with the cut it continues from (<see cref="ResumePoint"/>).
/// </summary>
internal sealed record RunResume(RunJournal Journal, ExperimentDefinition Definition, ScenarioSettings Scenario, RecoveryPoint From)
{
    /// <summary>`--from-start` (ignore the checkpoint), `--join` and `--partitions` as given.</summary>
    public sealed record ResumeOptions(bool FromStart, string? Join, int? Partitions);

    /// <summary>The run to resume, or null after printing why there is none (a bad input: exit 2, nothing written).</summary>
    /// <param name="database">The database the run was journaled in (`--journal`), or null for DIR/journal.db (also for `--journal off`).</param>
    /// <param name="options">The run's other options that matter to where it continues from.</param>
    public static async Task<RunResume?> OpenAsync(string directory, JournalSettings? database, bool force, AkkaLog log, ResumeOptions options)
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
        var from = refusal is null ? ResumePoint.Of(record) : RecoveryPoint.Start;
        if (refusal is null && !from.IsStart)
        {
            if (options.FromStart) from = RecoveryPoint.Start;
            else refusal = CheckpointRefusal(from, options);
        }
        if (refusal is null && Load(record.Definition!, journal.Settings.Display, force) is { } scenario)
            return new RunResume(journal, record.Definition!, scenario, from);
        await journal.DisposeAsync();
        return refusal is null ? null : Refuse($"--resume {directory}: {refusal}");
    }

    /// <summary>Why the run cannot continue from its checkpoint as asked, or null.</summary>
    private static string? CheckpointRefusal(RecoveryPoint from, ResumeOptions options)
    {
        var at = $"its checkpoint at sim {SimCore.Units.SimTime.Format(from.SimulatedTime)}";
        var problem = from.Partitions!.Select(PartitionCheckpoint.BuildProblem).FirstOrDefault(p => p is not null);
        if (problem is not null) return $"{at} cannot be restored: {problem}; --from-start runs it again from the beginning";
        if (options.Partitions is { } n && n != from.Partitions!.Length)
            return $"{at} holds {from.Partitions!.Length} partition(s), not the {n} --partitions asks for; leave --partitions out, or add --from-start";
        if (options.Join is not null)
            return $"{at} ({from.Bytes:N0} bytes) would go to a coordinator on another member through remoting, which does not carry it; resume without --join, or add --from-start";
        return null;
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
