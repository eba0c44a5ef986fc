using DcSim.Runner.Commands;
using DcSim.Runner.Results;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.Testing;
using Xunit;

namespace DcSim.Runner.Tests;

/// <summary>`run --pcap POINTS [--pcap-limit N]`: bad points and limits are bad input (exit 2, one line, nothing written); the pcap folder.</summary>
public sealed class PcapOptionSpec
{
    private const string Scenario = "duration = 100us\ntopology { spines = 2, leaves = 2, hosts-per-leaf = 2 }\ntraffic.generators = [{ kind = cbr }]\n";

    /// <summary>Runs `dcsim run` in this process with <paramref name="options"/>; returns its exit code and standard error.</summary>
    private static (int Exit, string Error, string Output) Run(params string[] options)
    {
        var dir = Scratch.Directory("pcap-run");
        var scenario = Path.Combine(dir, "s.conf");
        File.WriteAllText(scenario, Scenario);
        var output = Path.Combine(dir, "out");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var exit = RunCommand.Create().Parse(["run", scenario, "--out", output, "--journal", "off", .. options]).Invoke();
            return (exit, error.ToString(), output);
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Theory]
    [InlineData("host3->leaf9", "dcsim: --pcap host3->leaf9: no port is 'host3->leaf9'", "did you mean 'host3->leaf1'?")]
    [InlineData("leaf0,hots2", "dcsim: --pcap hots2: no port is 'hots2'", "did you mean 'host2'?")]
    [InlineData("spine0->*,a->b->c", "dcsim: --pcap: 'a->b->c' has more than one '->'", "")]
    [InlineData("leaf0->", "dcsim: --pcap: 'leaf0->' lacks a node on one side of '->'", "")]
    public void A_point_that_names_no_port_must_exit_2_naming_it_and_writing_nothing(string points, string message, string suggestion)
    {
        // act
        var (exit, error, output) = Run("--pcap", points);

        // assert
        Assert.Equal(2, exit);
        Assert.StartsWith(message, error);
        Assert.Contains(suggestion, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData(new[] { "--pcap", "host0", "--pcap-limit", "0" }, "dcsim: --pcap-limit must be from 1 to 10,000,000, got 0")]
    [InlineData(new[] { "--pcap", "host0", "--pcap-limit", "10000001" }, "dcsim: --pcap-limit must be from 1 to 10,000,000, got 10000001")]
    [InlineData(new[] { "--pcap-limit", "10" }, "dcsim: --pcap-limit goes with --pcap POINTS or a scenario's pcap.points")]
    public void A_bad_limit_must_exit_2(string[] options, string message)
    {
        var (exit, error, output) = Run(options);
        Assert.Equal(2, exit);
        Assert.Equal(message, error.Trim());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Scenario_points_must_be_checked_at_their_line_and_replaced_by_the_option()
    {
        // arrange
        var dir = Scratch.Directory("pcap-scenario");
        var path = Path.Combine(dir, "s.conf");
        File.WriteAllText(path, Scenario + "pcap {\n  points = [host0, \"leaf1->spine7\"]\n  limit = 5\n}\n");

        // act
        var loaded = ScenarioFile.TryLoad(new FileInfo(path), null, false, out _, out _);
        var replaced = ScenarioFile.TryLoad(new FileInfo(path), null, false, out var settings, out _, ScenarioFile.Checks(false, capturePoints: false));
        var capture = settings.WithCapture(new CaptureSettings(["leaf1->spine1"], settings.Capture.Limit));

        // assert
        Assert.False(loaded);
        Assert.True(replaced);
        Assert.Equal(["host0", "leaf1->spine7"], settings.Capture.Points);
        Assert.Equal(5, settings.Capture.Limit);
        Assert.Empty(ScenarioFile.CaptureProblems(capture));
        Assert.Contains("pcap {\n  limit = 5\n  points = [\"leaf1->spine1\"]\n}", capture.ResolvedHocon);
        var reread = ScenarioLoader.Parse(capture.ResolvedHocon, "resolved", ".", ActorsHost.FabricModel.Instance);
        Assert.Equal(["leaf1->spine1"], reread.Capture.Points);
    }

    [Fact]
    public void A_scenario_without_points_must_resolve_without_a_pcap_section()
    {
        var settings = ScenarioLoader.Parse(Scenario, "s.conf", ".", ActorsHost.FabricModel.Instance);
        Assert.False(settings.Capture.Enabled);
        Assert.DoesNotContain("pcap", settings.ResolvedHocon);
    }

    [Fact]
    public void The_pcap_folder_of_an_earlier_run_must_be_accepted_and_replaced_and_a_foreign_one_refused()
    {
        // arrange: an earlier run captured two ports
        var dir = Scratch.Directory("pcap-folder");
        var folder = Directory.CreateDirectory(Path.Combine(dir, ResultFiles.PcapFolder)).FullName;
        File.WriteAllText(Path.Combine(folder, "host0-to-leaf0.pcap"), "old");
        File.WriteAllText(Path.Combine(folder, "leaf0-to-host0.pcap"), "old");
        var scenario = ScenarioLoader.Parse(Scenario, "s.conf", ".", ActorsHost.FabricModel.Instance);
        var results = new ResultsBuilder();
        results.Captures.Add("leaf0->host0", new CapturedFrames(2, 1, new byte[16 + 60]));

        // act
        var before = OutputDirectory.Problem(dir);
        ResultFiles.Write(dir, scenario, results);

        // assert: this run's capture only, a 24 B header and one 76 B record
        Assert.Null(before);
        Assert.Equal(["leaf0-to-host0.pcap"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Equal(24 + 76, new FileInfo(Path.Combine(folder, "leaf0-to-host0.pcap")).Length);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        Assert.Contains("holds 'pcap'", OutputDirectory.Problem(dir));
    }
}
