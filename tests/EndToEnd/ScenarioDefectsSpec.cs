using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// Scenario defects of issue 8 through the real executable, where the exit code and "nothing written" matter:
/// a crash, a stack overflow, errors in vSwitch rules without the scenario key, runs too large to finish.
/// </summary>
public sealed class ScenarioDefectsSpec
{
    private static (Dcsim.Result Result, string Output, string File) Run(string scenario, params string[] command)
    {
        var dir = Scratch.Directory("defect");
        var file = Path.Combine(dir, "scenario.conf");
        File.WriteAllText(file, scenario);
        File.WriteAllText(Path.Combine(dir, "rules.txt"), "priority=10,in_port=1,actions=output:2\npriority=10,in_port=2,nonsense=3,actions=output:1\n");
        var output = Path.Combine(dir, "out");
        string[] args = command[0] == "run" ? [.. command, file, "--out", output] : [.. command, file];
        return (Dcsim.Run(TimeSpan.FromMinutes(2), args), output, file);
    }

    [Theory]
    [InlineData("traffic { generators = [ { kind = cbr, hosts = \"\" } ] }\n", 1, "traffic.generators[0].hosts")]
    [InlineData("seed = 1\nname = ${name}\n", 2, "name")]
    [InlineData("a = ${b}\nb = ${a}\nname = ${a}\n", 1, "a")]
    [InlineData("seed = 1\nname = ${nope}\n", 2, "name")]
    public void Run_must_exit_2_with_a_located_error_and_write_nothing_when_the_scenario_crashed_it_before(string scenario, int line, string key)
    {
        // act: before, an ArgumentOutOfRangeException (exit 1) or "Stack overflow." (exit 134)
        var (result, output, file) = Run(scenario, "run");

        // assert
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        var errors = ScenarioErrorLines.AssertOnly(result.Stderr, scenario);
        Assert.Contains((file, line, key), errors.Select(e => (e.File, e.Line, e.Key)));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Validate_must_name_the_scenario_key_and_the_rules_file_line_of_a_bad_rule()
    {
        // act
        var (result, _, file) = Run("seed = 1\ntopology {\n  vswitch {\n    enabled = true\n    rules = \"rules.txt\"\n  }\n}\n", "validate");

        // assert: the error named only rules.txt:2 before
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(ScenarioErrorLines.AssertOnly(result.Stderr, "rules"));
        Assert.Equal((file, 5, "topology.vswitch.rules"), (error.File, error.Line, error.Key));
        Assert.StartsWith("rules.txt:2: token 'nonsense", error.Message);
    }

    [Fact]
    public void Validate_must_give_a_bad_rule_change_the_file_line_and_key_of_the_change()
    {
        // act
        var (result, _, file) = Run("""
            topology.vswitch {
              enabled = true
              rule-changes = [
                { at = 1ms, add = "priority=5,udp,actions=drop" }
                { at = 2ms, add = "priority=5,bogus=1,actions=drop" }
              ]
            }
            """, "validate");

        // assert: the error had no file and no line before
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(ScenarioErrorLines.AssertOnly(result.Stderr, "rule-changes"));
        Assert.Equal((file, 5, "topology.vswitch.rule-changes[1]"), (error.File, error.Line, error.Key));
        Assert.StartsWith("rule 'priority=5,bogus=1,actions=drop': token 'bogus", error.Message);
    }

    [Theory]
    [InlineData("topology {\n  leaves = 1000000\n}\n", 2, "topology.leaves", "memory")]
    [InlineData("duration = 1s\ntraffic.generators = [\n  { kind = cbr, rate = 1000Tbps }\n]\n", 3, "traffic.generators[0].rate", "events")]
    [InlineData("duration = 1s\ntraffic.generators = [\n  { kind = on-off, on-off { on = 1ps, off = 1ps } }\n]\n", 3, "traffic.generators[0].on-off.on", "events")]
    public void Run_must_refuse_a_scenario_too_large_to_fit_or_finish_and_write_nothing(string scenario, int line, string key, string what)
    {
        // act: before, these validated and ran out of memory or ran for days
        var (result, output, file) = Run(scenario, "run");

        // assert
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        var error = Assert.Single(ScenarioErrorLines.AssertOnly(result.Stderr, scenario));
        Assert.Equal((file, line, key), (error.File, error.Line, error.Key));
        Assert.Contains("the run needs an estimated", error.Message);
        Assert.Contains(what, error.Message);
        Assert.Contains("--force", error.Message);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Validate_must_only_warn_about_the_estimate_when_forced()
    {
        // act
        var (result, _, file) = Run("duration = 1s\ntraffic.generators = [\n  { kind = cbr, rate = 1000Tbps }\n]\n", "validate", "--force");

        // assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        var warning = Assert.Single(ScenarioErrorLines.AssertOnly(result.Stderr, "forced"));
        Assert.Equal((file, 3, "traffic.generators[0].rate"), (warning.File, warning.Line, warning.Key));
        Assert.StartsWith("warning: the run needs an estimated", warning.Message);
        Assert.Contains("the run needs an estimated", result.Stdout);
    }
}
