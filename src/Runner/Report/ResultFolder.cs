using System.Text.Json;
using DcSim.Runner.Sweep;
using DcSim.SimCore.IO;

namespace DcSim.Runner.Report;

/// <summary>Input the report cannot be made from (no such folder, not a result folder, a file that cannot be read): exit 2, nothing written.</summary>
internal sealed class ReportInputException(string message) : Exception(message);

/// <summary>What a folder holds: a run's results (summary.json) or a sweep's (sweep.csv and points/).</summary>
internal enum ResultFolderKind { Run, Sweep }

/// <summary>
/// A result folder as the report reads it. A run's folder is recognised by summary.json, a sweep's by sweep.csv; every other file is
/// optional: a section whose file is absent or has no rows is left out, and one whose header lacks a column the section needs says so
/// in the report. The report is written under a temporary name in the folder and renamed, so a failure leaves no half report.
/// </summary>
internal sealed class ResultFolder
{
    public const string ReportFile = "report.html";
    public const string SummaryFile = "summary.json";

    public string Directory { get; }
    public ResultFolderKind Kind { get; }

    private ResultFolder(string directory, ResultFolderKind kind) => (Directory, Kind) = (directory, kind);

    /// <summary>The folder, or <see cref="ReportInputException"/> naming the path and what is missing.</summary>
    public static ResultFolder Open(string path)
    {
        var directory = Path.GetFullPath(path);
        if (File.Exists(directory)) throw new ReportInputException($"{directory} is a file, not a result folder");
        if (!System.IO.Directory.Exists(directory)) throw new ReportInputException($"{directory} does not exist");
        if (File.Exists(Path.Combine(directory, SummaryFile))) return new ResultFolder(directory, ResultFolderKind.Run);
        if (File.Exists(Path.Combine(directory, SweepFolder.Csv))) return new ResultFolder(directory, ResultFolderKind.Sweep);
        throw new ReportInputException($"{directory} is not a result folder: it has no {SummaryFile} (a run's, `dcsim run --out`) and no {SweepFolder.Csv} (a sweep's, `dcsim sweep --out`)");
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public bool Has(string name) => File.Exists(PathOf(name));

    /// <summary>
    /// The largest file the report reads: far above what a run writes into the files it reads (series.csv of a long TCP run is
    /// tens of MB), low enough that a wrong file (a device, a disk image linked in) is refused rather than filling memory.
    /// </summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>A file of the folder as text; a directory, a binary file (a NUL byte), an oversized or unreadable one is bad input.</summary>
    public string Read(string name)
    {
        try
        {
            return InputFile.ReadText(PathOf(name), MaxFileBytes, "result file");
        }
        catch (InputFileException ex)
        {
            throw new ReportInputException(ex.Message);
        }
    }

    /// <summary>summary.json, parsed; not JSON is bad input (the file is the run's record, not a section of it).</summary>
    public JsonDocument Summary()
    {
        try
        {
            return JsonDocument.Parse(Read(SummaryFile));
        }
        catch (JsonException ex)
        {
            throw new ReportInputException($"{PathOf(SummaryFile)} is not JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// A CSV file for a section: null, and no section, when the file is absent, has no rows, or has none the section shows
    /// (<paramref name="shows"/>); null after the section's heading and a problem line when its header lacks one of
    /// <paramref name="columns"/>; otherwise the table, after the section's heading.
    /// </summary>
    public CsvTable? Section(ReportPage page, string id, string title, string file, IReadOnlyList<string> columns, Func<CsvTable, bool>? shows = null)
    {
        if (!Has(file)) return null;
        var table = CsvTable.Parse(file, Read(file));
        var missing = table.Missing(columns);
        if (missing.Count == 0 && (table.Rows.Count == 0 || shows?.Invoke(table) == false)) return null;
        page.Section(id, title);
        if (missing.Count == 0) return table;
        page.Problem($"{file} has an unexpected header: it lacks {string.Join(", ", missing)} (its header: {string.Join(",", table.Header)}); docs/results.md describes the file");
        return null;
    }

    /// <summary>Writes report.html under a temporary name in the folder, then renames it: a report that exists is whole.</summary>
    public string WriteReport(string html)
    {
        var target = PathOf(ReportFile);
        try
        {
            SweepFolder.WriteAtomically(target, html);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary file cut short (disk full) is removed; one that could not be created is not there.
            var temporary = PathOf($".{ReportFile}.partial");
            if (File.Exists(temporary)) File.Delete(temporary);
            throw new ReportInputException($"cannot write {target}: {ex.Message}");
        }
        return target;
    }
}
