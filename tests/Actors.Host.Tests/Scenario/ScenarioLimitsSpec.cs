using DcSim.SimCore.Scenario;
using Xunit;
using static DcSim.ActorsHost.Tests.Scenario.ScenarioTestSupport;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>
/// Checking is bounded (issue 8, defect 12): deep nesting is refused with an error instead of a stack overflow
/// or minutes of work, a list past the generator limit is not read to its end, and errors past a hundred are counted.
/// </summary>
public sealed class ScenarioLimitsSpec
{
    /// <summary>The deepest nesting the scanner accepts (HoconScanner.MaxDepth, internal to Sim.Core).</summary>
    private const int MaxDepth = 64;

    [Theory]
    [InlineData(2_000, "[", "]")]
    [InlineData(100_000, "{ b = ", "}")]
    [InlineData(100_000, "{ b ", "}")]
    public void Loader_must_refuse_nesting_deeper_than_the_limit(int depth, string open, string close)
    {
        // arrange: 2,000 nested lists took over 30 s; 100,000 nested objects overflowed the stack
        var text = "seed = 1\nname = " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "\n";

        // act
        var failure = Fails(text);

        // assert
        var error = Assert.Single(failure.Errors);
        Assert.Equal(2, error.Line);
        Assert.StartsWith("name", error.Key);
        Assert.Contains($"nested more than {MaxDepth} deep", error.Message);
    }

    [Fact]
    public void Loader_must_refuse_a_dotted_key_with_more_parts_than_the_nesting_limit()
    {
        var failure = Fails("a" + string.Concat(Enumerable.Repeat(".a", 100_000)) + " = 1\n");

        Assert.Contains("counting the parts of a dotted key", Assert.Single(failure.Errors).Message);
    }

    [Fact]
    public void Loader_must_accept_nesting_up_to_the_limit()
    {
        // 63 lists inside name: name is unchanged HOCON, rejected only as a value, not as a syntax error.
        var failure = Fails("name = " + new string('[', MaxDepth) + "1" + new string(']', MaxDepth) + "\n");

        Assert.Equal("name", Assert.Single(failure.Errors).Key);
        Assert.Contains("expected a single value", failure.Errors[0].Message);
    }

    [Fact]
    public void Loader_must_report_too_many_generators_without_reading_them_all()
    {
        // arrange: 10,000 generators took 20 s to reach this message
        var text = "traffic.generators = [\n" + string.Join("\n", Enumerable.Repeat("{ kind = cbr, rate = 1Mbps }", 10_000)) + "\n]\n";

        // act
        var failure = Fails(text);

        // assert
        var error = Assert.Single(failure.Errors);
        Assert.Equal(("traffic.generators[126]", 128), (error.Key, error.Line));
        Assert.Contains("this list has 10000", error.Message);
    }

    [Fact]
    public void Loader_must_list_a_hundred_errors_and_count_the_rest()
    {
        // arrange: 100,000 unknown keys took 7 s and printed 100,000 lines
        var text = string.Join("\n", Enumerable.Range(0, 20_000).Select(i => $"unknown{i} = {i}")) + "\n";

        // act
        var failure = Fails(text);

        // assert
        Assert.Equal(ScenarioDiagnostics.MaxErrors + 1, failure.Errors.Count);
        Assert.Equal(("unknown0", 1), (failure.Errors[0].Key, failure.Errors[0].Line));
        var last = failure.Errors[^1];
        Assert.Equal((ScenarioDiagnostics.MaxErrors + 1, "unknown100"), (last.Line, last.Key));
        Assert.Contains("19900 more error(s)", last.Message);
    }

    [Fact]
    public void Loader_must_refuse_a_file_longer_than_the_limit_without_reading_it_all()
    {
        // arrange: a file that never ends (/dev/zero) ate 4 GB
        using var dir = new TempDirectory();
        var path = dir.Write("long.conf", "# " + new string('x', ScenarioLoader.MaxChars) + "\nseed = 1\n");

        // act
        var failure = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path, FabricModel.Instance));

        // assert
        var error = Assert.Single(failure.Errors);
        Assert.Equal((path, 1, ScenarioLoader.TopLevelKey), (error.File, error.Line, error.Key));
        Assert.Contains("longer than 2 Mi characters", error.Message);
    }
}
