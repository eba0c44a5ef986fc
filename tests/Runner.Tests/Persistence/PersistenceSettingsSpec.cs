using DcSim.Runner.Persistence;
using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.Runner.Tests.Persistence;

public sealed class PersistenceSettingsSpec
{
    [Fact]
    public void Defaults_must_be_those_of_reference_conf()
    {
        Assert.Equal(new PersistenceSettings("sqlite", 10), PersistenceSettings.Defaults);
    }

    [Fact]
    public void Read_must_take_the_scenario_values_and_complete_them_from_reference_conf()
    {
        // act
        var settings = PersistenceSettings.Read("""
            name = x
            persistence { journal = "postgresql://u:p@h/d" }
            """, out var problems);

        // assert
        Assert.Empty(problems);
        Assert.Equal(new PersistenceSettings("postgresql://u:p@h/d", 10), settings);
    }

    [Theory]
    [InlineData("persistence.progress-batch = 0", PersistenceSettings.ProgressBatchKey, "expected a whole number of progress reports >= 1, found \"0\"")]
    [InlineData("persistence.progress-batch = 2.5", PersistenceSettings.ProgressBatchKey, "expected a whole number of progress reports >= 1, found \"2.5\"")]
    [InlineData("persistence.journal = \"\"", PersistenceSettings.JournalKey, JournalTarget.Expected)]
    public void Read_must_name_the_key_of_a_value_that_is_not_usable(string line, string key, string message)
    {
        // act
        var settings = PersistenceSettings.Read(line, out var problems);

        // assert
        Assert.Null(settings);
        Assert.Equal([new ScenarioProblem(key, message)], problems);
    }
}
