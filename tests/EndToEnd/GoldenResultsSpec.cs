using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// `dcsim run` on the example scenarios must write exactly the checked-in files of tests/golden/: a change of
/// behaviour that is deterministic (and so passes RunDeterminismSpec, which compares a run with another run)
/// shows here, with the file and the first line that moved. The expected files are results of the model as it
/// was when they were last rewritten, not an independent oracle: the oracles are the theory, corpus and
/// replay tests; these pin everything else.
/// </summary>
public sealed class GoldenResultsSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static string Run(string scenario, params string[] extra)
    {
        var output = Scratch.Directory("golden");
        var file = Dcsim.RepositoryFile(Path.Combine("config", "scenarios", scenario + ".conf"));
        var result = Dcsim.Run(Timeout, ["run", file, "--out", output, .. extra]);
        Assert.True(result.ExitCode == 0, $"dcsim run {scenario} {string.Join(' ', extra)}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return output;
    }

    /// <summary>Runs on one process and compares, or rewrites the golden files in update mode.</summary>
    private static void CheckOnOneProcess(string scenario)
    {
        var output = Run(scenario);
        if (GoldenFiles.UpdateMode) GoldenFiles.Rewrite(scenario, output);
        else GoldenFiles.AssertSame(scenario, output, $"`dcsim run {scenario}.conf` on one process");
    }

    [Theory]
    [InlineData("leaf-spine-small")]
    [InlineData("leaf-spine-medium")]
    [InlineData("vswitch-kernel")]
    [InlineData("felter-2015")]
    public void Run_must_write_the_golden_files_when_on_one_process(string scenario) => CheckOnOneProcess(scenario);

    [Fact]
    public void Run_must_write_the_golden_files_when_on_one_and_on_three_processes()
    {
        // arrange: determinism.conf has every generator kind, drops and packets in flight at the end
        const string scenario = "determinism";

        // act + assert (one process first, so that in update mode the three-process run meets the new files)
        CheckOnOneProcess(scenario);
        var cluster = Run(scenario, "--nodes", "3");
        GoldenFiles.AssertSame(scenario, cluster, $"`dcsim run {scenario}.conf --nodes 3`");
    }

    [Fact]
    public void First_difference_must_name_the_line_and_both_versions()
    {
        var message = GoldenFiles.FirstDifference("a,b\n1,2\n3,4\n"u8.ToArray(), "a,b\n1,2\n3,5\n"u8.ToArray());
        Assert.Equal("first difference at line 3:\n  golden: 3,4\n  run:    3,5", message);
        Assert.Contains("line 2:\n  golden: (end of file)", GoldenFiles.FirstDifference("x"u8.ToArray(), "x\ny"u8.ToArray()));
        Assert.EndsWith("(2 lines differ)", GoldenFiles.FirstDifference("a\nb\nc"u8.ToArray(), "a\nB\nC"u8.ToArray()));
    }

    [Fact]
    public void First_difference_must_show_a_long_line_around_the_column_where_it_differs()
    {
        var golden = new string('x', 1000) + "golden" + new string('y', 1000);
        var run = new string('x', 1000) + "run" + new string('y', 1000);
        var message = GoldenFiles.FirstDifference(System.Text.Encoding.UTF8.GetBytes(golden), System.Text.Encoding.UTF8.GetBytes(run));
        Assert.Contains("they first differ at column 1001", message);
        Assert.Contains("xxgolden", message);
        Assert.Contains("xxrun", message);
        Assert.True(message.Length < 700, message);
    }
}
