using DcSim.Runner.Results;
using DcSim.Testing;
using Xunit;

namespace DcSim.Runner.Tests;

public sealed class OutputDirectorySpec
{
    [Fact]
    public void Problem_must_be_none_for_a_new_an_empty_or_an_earlier_results_directory()
    {
        // arrange
        var root = Scratch.Directory("outdir");
        var empty = Path.Combine(root, "empty");
        Directory.CreateDirectory(empty);
        var earlier = Path.Combine(root, "earlier");
        Directory.CreateDirectory(earlier);
        foreach (var name in ResultFiles.Names) File.WriteAllText(Path.Combine(earlier, name), "old");
        File.WriteAllText(Path.Combine(earlier, ".flows.csv.partial"), "half");
        File.WriteAllText(Path.Combine(earlier, "report.html"), "old");
        File.WriteAllText(Path.Combine(earlier, ".report.html.partial"), "half");
        string[] journal = ["journal.db", "journal.db-shm", "journal.db-wal", "journal.id"];
        foreach (var name in journal) File.WriteAllText(Path.Combine(earlier, name), "old");

        // act, assert
        Assert.Null(OutputDirectory.Problem(Path.Combine(root, "new", "deeper")));
        Assert.Null(OutputDirectory.Problem(empty + "/"));
        Assert.Null(OutputDirectory.Problem(earlier));
        Assert.Equal([".flows.csv.partial", ".report.html.partial", .. ResultFiles.Names.Concat(journal).Append("report.html").Order(StringComparer.Ordinal)],
            Directory.GetFileSystemEntries(earlier).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Problem_must_name_a_file_in_the_way()
    {
        var root = Scratch.Directory("outdir");
        var file = Path.Combine(root, "file");
        File.WriteAllText(file, "x");
        Assert.Equal("is a file, not a directory", OutputDirectory.Problem(file));
        Assert.Equal($"'{file}' is a file, not a directory", OutputDirectory.Problem(Path.Combine(file, "a", "b")));
    }

    [Fact]
    public void Problem_must_name_the_first_entry_that_is_not_a_result_file()
    {
        // arrange: a result file, a stranger, and a folder with a result file's name
        var root = Scratch.Directory("outdir");
        File.WriteAllText(Path.Combine(root, "summary.json"), "{}");
        File.WriteAllText(Path.Combine(root, "zz.txt"), "mine");
        Directory.CreateDirectory(Path.Combine(root, "flows.csv"));

        // act
        var problem = OutputDirectory.Problem(root);

        // assert
        Assert.StartsWith("holds 'flows.csv', which is not a result file", problem);
    }

    [Fact]
    public void Problem_must_say_when_the_nearest_existing_directory_is_not_writable()
    {
        Assert.StartsWith("cannot write in '/proc'", OutputDirectory.Problem("/proc/dcsim-out/x"));
    }
}
