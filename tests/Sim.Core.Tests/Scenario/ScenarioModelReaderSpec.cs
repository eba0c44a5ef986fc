using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.SimCore.Tests.Scenario;

/// <summary>The split of a scenario between the loader (the kernel's keys) and the model's reader (the rest).</summary>
public sealed class ScenarioModelReaderSpec
{
    /// <summary>A model with one key, topology.spines, that it writes back as "spines-seen".</summary>
    private sealed class SpinesModel(int spines) : IScenarioModel
    {
        public int Spines { get; } = spines;

        public void WriteResolved(ResolvedHocon root) => root["spines-seen"] = ScenarioHoconWriter.Int(Spines);

        public ScenarioCostEstimate EstimateCost() => new(ScenarioCostEstimate.BaseBytes, "", 0, "");
    }

    private sealed class SpinesReader : IScenarioModelReader
    {
        public long? Duration { get; private set; }

        public IScenarioModel? Read(ScenarioSection root, ScenarioReadContext context)
        {
            Duration = context.DurationPs;
            return root.Child("topology").TryInt("spines", 1, 64, out var spines) ? new SpinesModel(spines) : null;
        }
    }

    [Fact]
    public void Loader_must_read_the_kernel_keys_and_leave_the_model_keys_to_the_model_reader()
    {
        // arrange
        var reader = new SpinesReader();

        // act
        var s = ScenarioLoader.Parse("duration = 3ms\nseed = 7\ntopology.spines = 5\n", "model.conf", ".", reader);

        // assert: the reader got the duration, its settings ride in Model, and it wrote its own part of the resolved text
        Assert.Equal(3 * SimTime.Millisecond, reader.Duration);
        Assert.Equal(5, Assert.IsType<SpinesModel>(s.Model).Spines);
        Assert.Equal("duration = 3ms\nkernel {\n  partitions = auto\n  progress-interval = 1ms\n}\nname = \"unnamed\"\nseed = 7\nspines-seen = 5\n",
            s.ResolvedHocon);
    }

    [Fact]
    public void Errors_of_the_model_reader_must_be_located_like_the_loader_s()
    {
        var e = Assert.Throws<ScenarioException>(() =>
            ScenarioLoader.Parse("seed = -1\ntopology {\n  spines = 65\n}\n", "model.conf", ".", new SpinesReader()));

        Assert.Equal(["model.conf:1: seed: must be at least 0, got -1", "model.conf:3: topology.spines: must be at most 64, got 65"],
            e.Errors.Select(x => x.ToString()));
    }

    [Fact]
    public void Defaults_must_be_read_from_reference_conf_and_an_invalid_one_must_throw()
    {
        var spines = ScenarioDefaults.Read((root, _) => root.Child("topology").TryInt("spines", 1, 64, out var n) ? n : 0);
        var invalid = Assert.Throws<InvalidOperationException>(() =>
            ScenarioDefaults.Read((root, _) => root.Child("topology").TryInt("spines", 3, 64, out var n) ? n : 0));

        Assert.Equal(2, spines);
        Assert.Contains("reference.conf", invalid.Message);
        Assert.Contains("topology.spines: must be at least 3, got 2", invalid.Message);
    }
}
