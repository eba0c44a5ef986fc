using System.Globalization;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Metrics;

namespace DcSim.Runner.Results;

/// <summary>DIR/pcap/FROM-to-TO.pcap, one file per captured port (docs/pcap.md).</summary>
internal static partial class ResultFiles
{
    public const string PcapFolder = "pcap";

    /// <summary>
    /// Writes each captured port's file under a temporary name, then renames them all, then removes the files of an earlier run
    /// into the same folder that this run did not write (and the folder, when it captured nothing): the folder holds this run's
    /// captures only.
    /// </summary>
    private static void WriteCaptures(string directory, ResultsBuilder results)
    {
        var folder = Path.Combine(directory, PcapFolder);
        if (results.Captures.Count == 0)
        {
            if (Directory.Exists(folder) && OutputDirectory.IsEarlierCaptureFolder(folder)) Directory.Delete(folder, recursive: true);
            return;
        }
        Directory.CreateDirectory(folder);
        var names = results.Captures.Keys.Select(CapturePoints.FileName).ToList();
        var header = PcapFile.GlobalHeader();
        var i = 0;
        foreach (var frames in results.Captures.Values)
        {
            using var file = File.Create(Path.Combine(folder, $".{names[i++]}.partial"));
            file.Write(header);
            file.Write(frames.Records);
        }
        foreach (var name in names) File.Move(Path.Combine(folder, $".{name}.partial"), Path.Combine(folder, name), overwrite: true);
        foreach (var stale in Directory.EnumerateFiles(folder).Where(f => !names.Contains(Path.GetFileName(f))).ToList()) File.Delete(stale);
    }

    /// <summary>One line per captured port for the console: frames kept, and how many the port sent when the limit cut the capture.</summary>
    public static string CaptureSummary(string directory, ResultsBuilder results)
    {
        if (results.Captures.Count == 0) return "";
        var lines = results.Captures.Select(c =>
        {
            var cut = c.Value.Cut ? string.Create(CultureInfo.InvariantCulture, $" (cut: the port sent {c.Value.Seen:N0}; raise --pcap-limit or pcap.limit)") : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"pcap     {Path.Combine(directory, PcapFolder, CapturePoints.FileName(c.Key))}: {c.Value.Captured:N0} frames of {c.Key}{cut}");
        });
        return string.Join('\n', lines) + '\n';
    }
}
