using System.Net;
using System.Net.Sockets;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>Command lines that cannot work: exit 2 with one clear line, before anything is simulated or written.</summary>
public sealed class CommandLineSpec
{
    private const string Scenario = """
        name = "command-line"
        duration = 1ms
        topology { spines = 1, leaves = 2, hosts-per-leaf = 2 }
        traffic.generators = [ { kind = cbr, rate = 10Mbps } ]
        """;

    private static string WriteScenario(string dir)
    {
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, Scenario);
        return file;
    }

    private static void AssertOneLine(Dcsim.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
        Assert.False(Dcsim.HasStackTrace(result.Stdout + result.Stderr), result.Stdout + result.Stderr);
    }

    [Theory]
    [InlineData("launch", "--help")]
    [InlineData("launch")]
    public void Unknown_command_must_exit_2_naming_it_and_the_commands(params string[] args)
    {
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), args);
        AssertOneLine(result, "unknown command 'launch' (commands: run, node, validate,");
    }

    [Fact]
    public void Run_must_refuse_an_output_path_that_is_a_file_and_leave_it_untouched()
    {
        // arrange
        var dir = Scratch.Directory("out-file");
        var output = Path.Combine(dir, "existing");
        File.WriteAllText(output, "keep me");

        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "run", WriteScenario(dir), "--out", output);

        // assert
        AssertOneLine(result, $"--out {output}: is a file, not a directory");
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Run_must_refuse_a_directory_holding_other_files_and_write_nothing_there()
    {
        // arrange
        var dir = Scratch.Directory("out-foreign");
        var output = Path.Combine(dir, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "run", WriteScenario(dir), "--out", output);

        // assert
        AssertOneLine(result, "holds 'notes.txt', which is not a result file");
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public void Run_must_refuse_an_output_path_it_cannot_create()
    {
        var dir = Scratch.Directory("out-proc");
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "run", WriteScenario(dir), "--out", "/proc/dcsim-results");
        AssertOneLine(result, "--out /proc/dcsim-results: cannot write in '/proc'");
    }

    [Fact]
    public void Run_must_replace_the_results_of_an_earlier_run_in_its_output_directory()
    {
        // arrange: a first run's results
        var dir = Scratch.Directory("out-rerun");
        var scenario = WriteScenario(dir);
        var output = Path.Combine(dir, "out");
        var first = Dcsim.Run(TimeSpan.FromMinutes(2), "run", scenario, "--out", output);
        Assert.True(first.ExitCode == 0, first.Stderr);

        // act
        var second = Dcsim.Run(TimeSpan.FromMinutes(2), "run", scenario, "--out", output, "--seed", "7");

        // assert
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("\"seed\": 7", File.ReadAllText(Path.Combine(output, "summary.json")));
    }

    [Fact]
    public void Run_must_exit_2_at_once_when_the_http_port_is_in_use()
    {
        // arrange: hold a loopback port
        var dir = Scratch.Directory("http-busy");
        var output = Path.Combine(dir, "out");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        // act
        var result = Dcsim.Run(TimeSpan.FromMinutes(1), "run", WriteScenario(dir), "--out", output, "--http", port.ToString());

        // assert
        AssertOneLine(result, $"--http {port}: cannot serve http://127.0.0.1:{port}: Address already in use");
        Assert.False(Directory.Exists(output), "nothing may be written");
        Assert.Empty(result.Stdout);
    }
}
