using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.ActorsHost.Tests.Scenario;

/// <summary>Helpers for scenario tests: parse a text as "test.conf" and find the errors it produces.</summary>
internal static class ScenarioTestSupport
{
    public const string FileName = "test.conf";

    public static ScenarioSettings Parse(string text, string? directory = null, ulong? seed = null) =>
        ScenarioLoader.Parse(text, FileName, directory ?? Directory.GetCurrentDirectory(), FabricModel.Instance, seed);

    public static ScenarioException Fails(string text, string? directory = null) =>
        Assert.Throws<ScenarioException>(() => Parse(text, directory));

    /// <summary>Asserts that the text fails with an error for <paramref name="key"/> at <paramref name="line"/> whose message contains every fragment.</summary>
    public static ScenarioError AssertError(string text, string key, int line, params string[] fragments) =>
        AssertError(Fails(text), key, line, fragments);

    public static ScenarioError AssertError(ScenarioException exception, string key, int line, params string[] fragments)
    {
        var matches = exception.Errors.Where(e => e.Key == key).ToList();
        Assert.True(matches.Count == 1, $"expected one error for '{key}', got:\n{exception.Message}");
        var error = matches[0];
        Assert.Equal(FileName, error.File);
        Assert.True(line == error.Line, $"expected line {line} for '{key}', got:\n{exception.Message}");
        foreach (var fragment in fragments) Assert.Contains(fragment, error.Message);
        // The exception's message names file, line and key the way compilers do.
        Assert.Contains($"{FileName}:{line}: {key}: ", exception.Message);
        return error;
    }

    /// <summary>The repository root, found from the test assembly's directory.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "config", "reference.conf"))) return dir.FullName;
            }
            throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>A fresh directory for scenario and CDF files; deleted when disposed.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dcsim-scenario-" + Guid.NewGuid().ToString("N"));

        public string Write(string relativePath, string text)
        {
            var full = System.IO.Path.Combine(Path, relativePath);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            return full;
        }

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }
}
