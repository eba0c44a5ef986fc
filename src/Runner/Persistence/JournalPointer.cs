namespace DcSim.Runner.Persistence;

/// <summary>
/// What a run journaled in a database leaves in its results folder: the file <see cref="FileName"/> with the experiment's
/// id (first line) and where the journal is, without the password (second line). It is what lets `dcsim journal DIR` and
/// `dcsim run --resume DIR` find the run among the database's experiments, given the connection by `--journal`.
/// </summary>
public static class JournalPointer
{
    public const string FileName = "journal.id";

    public sealed record Target(string ExperimentId, string Display);

    public static void Write(string directory, string experimentId, string display) =>
        File.WriteAllText(Path.Combine(directory, FileName), $"{experimentId}\n{display}\n");

    /// <summary>The pointer in <paramref name="directory"/>, or null when it holds none.</summary>
    public static Target? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path);
        return lines.Length >= 2 && lines[0].Length > 0 ? new Target(lines[0], lines[1]) : throw new JournalUnavailableException($"{path} is not a journal pointer (experiment id, then journal)");
    }
}
