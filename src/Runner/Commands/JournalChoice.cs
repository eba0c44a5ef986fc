using Akka.Configuration;
using DcSim.Runner.Persistence;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Commands;

/// <summary>
/// Which journal a run writes, and the check that it can: `--journal`, else the scenario's <c>persistence.journal</c>,
/// else SQLite in the output folder. A PostgreSQL database is contacted here, before anything runs, so that one that
/// cannot be reached is a bad input (exit 2) naming the option or the key; a SQLite file is only created once the run
/// is about to start (<see cref="Prepare"/>), so a refused run writes nothing.
/// </summary>
internal sealed class JournalChoice(string? option, string outputDirectory)
{
    public const string OptionName = "--journal";

    /// <summary>Null before the check, and for a run without journal (<c>off</c>).</summary>
    public JournalSettings? Settings { get; private set; }

    /// <summary>The Akka.Persistence configuration; for SQLite, set by <see cref="Prepare"/>.</summary>
    public Config? Store { get; private set; }

    /// <summary>
    /// The problems of the scenario's <c>persistence</c> section, as the scenario loader's model check (it puts them at the
    /// key's line): a value that is not usable, or a journal the key names that cannot be reached.
    /// </summary>
    public IEnumerable<ScenarioProblem> CheckScenario(string scenarioPath)
    {
        if (PersistenceSettings.Read(File.ReadAllText(scenarioPath), out var problems) is not { } section) return problems;
        if (option is not null)
        {
            Batch = section.ProgressBatch;
            return [];
        }
        return Choose(section.Journal, section.ProgressBatch) is { } problem ? [new ScenarioProblem(PersistenceSettings.JournalKey, problem)] : [];
    }

    /// <summary>The progress batch of the scenario (or reference.conf), for a journal named by the option.</summary>
    private int Batch { get; set; } = PersistenceSettings.Defaults.ProgressBatch;

    /// <summary>Checks `--journal` (when given): null when usable, otherwise the error line's text.</summary>
    public string? CheckOption() => option is null ? null : Choose(option, Batch) is { } problem ? $"{OptionName}: {problem}" : null;

    /// <summary>Resolves <paramref name="target"/> and contacts a PostgreSQL database; null when usable, otherwise why not.</summary>
    private string? Choose(string target, int batch)
    {
        try
        {
            Settings = JournalTarget.Resolve(target, outputDirectory, batch);
            if (Settings is { Store: JournalStore.Postgres }) Store = JournalConfig.Build(Settings);
            return null;
        }
        catch (JournalUnavailableException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Readies the output folder for the journal of experiment <paramref name="experimentId"/>, once the run is about to
    /// start: creates the folder, removes the journal files of an earlier run in it (a new run replaces its journal as it
    /// replaces its results: a journal holds one run), then opens a SQLite file (WAL mode), or, for a database, writes
    /// the pointer to the experiment (<see cref="JournalPointer"/>); without journal, only the earlier one is removed.
    /// Returns whether this created the output folder, which a run that does not finish removes again.
    /// </summary>
    public bool Prepare(string experimentId)
    {
        if (Settings is null)
        {
            if (Directory.Exists(outputDirectory)) JournalTarget.DeleteFromFolder(outputDirectory);
            return false;
        }
        var created = !Directory.Exists(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        JournalTarget.DeleteFromFolder(outputDirectory);
        if (Settings.Store == JournalStore.Sqlite) Store = JournalConfig.Build(Settings);
        else JournalPointer.Write(outputDirectory, experimentId, Settings.Display);
        return created;
    }
}
