using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>The example scenarios of config/scenarios, read as a user's run would read them, with overrides appended.</summary>
internal static class ExampleScenarios
{
    private static readonly string Directory = Path.Combine(RepoRoot(), "config", "scenarios");

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "DcSim.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("no DcSim.sln above the test binaries");
        return dir;
    }

    public static ScenarioSettings Load(string file, string overrides)
    {
        var path = Path.Combine(Directory, file);
        return ScenarioLoader.Parse(File.ReadAllText(path) + "\n" + overrides, path, Path.GetDirectoryName(path)!, FabricModel.Instance);
    }
}
