using System.CommandLine;
using DcSim.Runner.Report;

namespace DcSim.Runner.Commands;

/// <summary>
/// `dcsim report DIR`: writes DIR/report.html, one self-contained page of tables and plots, for a run's result folder (summary.json
/// and the CSV files) or a sweep's (sweep.csv, and a report in each point's folder); prints its path. docs/report.md says what it shows.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("dir") { Description = "A result folder: a run's (`dcsim run --out`) or a sweep's (`dcsim sweep --out`)" };
        var command = new Command("report", "Write an HTML report (tables and plots, one self-contained file) of a result folder") { directory };
        command.SetAction(parse => Execute(parse.GetValue(directory)!.FullName, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Writes the report of <paramref name="directory"/>; exit 2, naming the path and what is wrong, when it is not a readable result folder.</summary>
    public static int Execute(string directory, TextWriter output, TextWriter error)
    {
        try
        {
            var folder = ResultFolder.Open(directory);
            var html = folder.Kind == ResultFolderKind.Run ? RunReport.Html(folder) : SweepPage.Html(folder);
            output.WriteLine($"report   {folder.WriteReport(html)}");
            return ExitCodes.Ok;
        }
        catch (ReportInputException ex)
        {
            error.WriteLine($"dcsim: report: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }
}
