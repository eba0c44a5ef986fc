using DcSim.Runner.Persistence;

namespace DcSim.Runner.Results;

/// <summary>
/// Checks `run --out DIR` before anything is simulated, so a run is never lost at the end for want of a
/// place to put its results. DIR may be new (its nearest existing ancestor must be a writable directory),
/// empty, or hold only the result files (and report.html, `dcsim report`'s) and the journal files (journal.db and the files SQLite keeps beside it, or the
/// journal.id pointer to a database's) and its pcap folder of capture files, of an earlier run, which the new run replaces. Anything else in DIR
/// (another file, a folder) is refused: a mistyped path must not scatter results among unrelated files.
/// </summary>
internal static class OutputDirectory
{
    /// <summary>Null when <paramref name="path"/> can take a run's results; otherwise why not, in a few words.</summary>
    public static string? Problem(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return "is a file, not a directory";
        if (Directory.Exists(full))
        {
            var foreign = Directory.EnumerateFileSystemEntries(full)
                .Where(entry => !IsEarlierResult(entry) && !IsEarlierCaptureFolder(entry))
                .Select(Path.GetFileName)
                .Order(StringComparer.Ordinal)
                .FirstOrDefault();
            if (foreign is not null)
                return $"holds '{foreign}', which is not a result file; give a new or empty directory, or one with only an earlier run's results and journal (they are replaced)";
            return Unwritable(full);
        }
        var ancestor = Path.GetDirectoryName(full);
        while (ancestor is not null && !Directory.Exists(ancestor))
        {
            if (File.Exists(ancestor)) return $"'{ancestor}' is a file, not a directory";
            ancestor = Path.GetDirectoryName(ancestor);
        }
        return ancestor is null ? "has no existing parent directory" : Unwritable(ancestor);
    }

    /// <summary>A result file or the report made of them, the temporary name one is written under (left by a run killed while writing), or a journal file.</summary>
    private static bool IsEarlierResult(string entry)
    {
        var name = Path.GetFileName(entry);
        return File.Exists(entry)
            && (ResultFiles.Names.Concat(ResultFiles.OptionalNames).Append(Report.ResultFolder.ReportFile).Any(n => name == n || name == $".{n}.partial") || JournalTarget.FolderFileNames.Contains(name));
    }

    /// <summary>
    /// The pcap folder of an earlier run: a directory named pcap holding only capture files (or the temporary names they are written
    /// under).
    /// </summary>
    public static bool IsEarlierCaptureFolder(string entry) =>
        Path.GetFileName(entry) == ResultFiles.PcapFolder && Directory.Exists(entry)
        && Directory.EnumerateFileSystemEntries(entry).All(f => File.Exists(f) && (f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcap.partial", StringComparison.Ordinal)));

    /// <summary>Creates and at once deletes a probe file: the only portable test of write permission (root ignores mode bits).</summary>
    private static string? Unwritable(string directory)
    {
        try
        {
            using (File.Create(Path.Combine(directory, $".dcsim-probe-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot write in '{directory}': {ex.Message}";
        }
    }
}
