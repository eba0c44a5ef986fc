using System.CommandLine;
using DcSim.Runner.Hosting;
using DcSim.Runner.Persistence;
using DcSim.SimCore.Units;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim journal DIR [--journal CONNECTION]`: prints the record of the run whose results folder is DIR, read back from
/// DIR/journal.db or from the database DIR/journal.id points into.
/// </summary>
internal static class JournalCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("dir") { Description = "A run's results folder (holding journal.db, or journal.id with --journal)" };
        var journal = new Option<string?>(JournalChoice.OptionName) { Description = "The PostgreSQL database the run was journaled in (URL or connection string)" };
        var command = new Command("journal", "Print the journal of a run: scenario, seed, layout, progress, whether it completed") { directory, journal };
        command.SetAction((parse, _) => Execute(parse.GetValue(directory)!.FullName, parse.GetValue(journal)));
        return command;
    }

    private static async Task<int> Execute(string directory, string? database)
    {
        var choice = new JournalChoice(database, directory);
        if (choice.CheckOption() is { } problem)
        {
            Console.Error.WriteLine($"dcsim: {problem}");
            return ExitCodes.BadInput;
        }
        RunJournal journal;
        try
        {
            journal = RunJournal.OpenFolder(directory, AkkaLog.ForProcess("journal"), choice.Settings);
        }
        catch (JournalUnavailableException ex)
        {
            Console.Error.WriteLine($"dcsim: {directory}: {ex.Message}");
            return ExitCodes.BadInput;
        }
        await using (journal)
        {
            Console.Write(Describe(await journal.QueryAsync(), directory));
            return ExitCodes.Ok;
        }
    }

    /// <summary>The record as `dcsim journal` prints it, one "field  value" line each.</summary>
    public static string Describe(ExperimentRecord r, string directory)
    {
        var d = r.Definition;
        var p = r.Progress;
        var lines = new List<string> { $"experiment  {r.ExperimentId}" };
        if (d is not null)
        {
            lines.Add($"scenario    {d.Name}");
            lines.Add($"seed        {d.Seed}");
            lines.Add($"layout      {d.Partitions} partition(s), {d.PartitionOfLp.Length} LPs, {d.Placement.Length} VM(s) and container(s)");
        }
        lines.Add($"progress    {SimTime.Format(p.SimulatedTime)} simulated, {p.Windows:N0} windows, {p.EventsProcessed:N0} events");
        lines.Add($"moves       {r.Moves.Count}");
        lines.Add($"resumed     {r.Resumes}");
        // Only a stopped run has a use for its checkpoint (a completed one's is deleted).
        if (!r.Completed && r.Definition is not null)
            lines.Add(r.Checkpoint.IsStart ? "checkpoint  none (a resume starts from the beginning)"
            : $"checkpoint  sim {SimTime.Format(r.Checkpoint.SimulatedTime)} (before window {r.Checkpoint.Window + 1:N0}), {r.Checkpoint.Partitions!.Length} partition(s), {r.Checkpoint.Bytes:N0} bytes");
        lines.Add(r.Completed ? "status      completed"
            : d is null ? "status      not started (no definition recorded)"
            : $"status      stopped (continue it with: dcsim run --resume {directory})");
        return string.Join('\n', lines) + "\n";
    }
}
