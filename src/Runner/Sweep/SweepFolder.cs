using System.Text;
using DcSim.Runner.Results;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Sweep;

/// <summary>
/// The output folder of a sweep: sweep.csv, report.html and its PNGs, and points/NNN-KEY=VALUE,.../ holding each point's
/// result files (those of `dcsim run`) and resolved.conf, the point's resolved scenario. resolved.conf is written last,
/// atomically, after the result files: a point is complete exactly when its folder has every result file and a
/// resolved.conf equal to the point's scenario now, so --resume neither keeps a half-written point nor one run with other
/// settings (the file changed since).
/// </summary>
internal static class SweepFolder
{
    public const string Points = "points";
    public const string Csv = "sweep.csv";
    public const string Report = "report.html";
    public const string Resolved = "resolved.conf";

    /// <summary>Null when <paramref name="directory"/> can take the sweep; otherwise why not.</summary>
    public static string? Problem(string directory, bool resume)
    {
        if (File.Exists(directory)) return "is a file, not a directory";
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any()) return OutputDirectory.Problem(directory);
        var entries = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (!resume)
            return $"holds '{entries[0]}'; give a new or empty directory, or --resume to finish an earlier sweep there";
        var foreign = entries.FirstOrDefault(name => !IsSweepEntry(directory, name!));
        return foreign is null ? null : $"holds '{foreign}', which a sweep does not write; --resume continues only a sweep's own folder";
    }

    private static bool IsSweepEntry(string directory, string name) =>
        name == Points ? Directory.Exists(Path.Combine(directory, name))
            : name is Csv or Report or $".{Csv}.partial" or $".{Report}.partial" || name.EndsWith(".png", StringComparison.Ordinal);

    public static bool IsComplete(string pointDirectory, ScenarioSettings settings)
    {
        var resolved = Path.Combine(pointDirectory, Resolved);
        return File.Exists(resolved) && File.ReadAllText(resolved) == settings.ResolvedHocon
            && ResultFiles.Names.All(n => File.Exists(Path.Combine(pointDirectory, n)));
    }

    /// <summary>Replaces whatever an interrupted earlier attempt left, then writes the results and, last, resolved.conf.</summary>
    public static void WritePoint(string pointDirectory, ScenarioSettings settings, ResultsBuilder results)
    {
        if (Directory.Exists(pointDirectory)) Directory.Delete(pointDirectory, recursive: true);
        ResultFiles.Write(pointDirectory, settings, results);
        WriteAtomically(Path.Combine(pointDirectory, Resolved), settings.ResolvedHocon);
    }

    /// <summary>Under a temporary name, then renamed: a file that exists is whole.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.partial");
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }
}
