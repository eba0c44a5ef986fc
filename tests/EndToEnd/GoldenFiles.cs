using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The checked-in result files of tests/golden/&lt;scenario&gt;/ and the byte-for-byte comparison with a
/// fresh run. With DCSIM_UPDATE_GOLDEN=1 the single-process run rewrites them instead (tests/golden/README.md).
/// </summary>
internal static class GoldenFiles
{
    public static readonly string[] Names = ["summary.json", "flows.csv", "links.csv", "servers.csv"];

    public static bool UpdateMode => Environment.GetEnvironmentVariable("DCSIM_UPDATE_GOLDEN") == "1";

    public static string Directory(string scenario) => Dcsim.RepositoryFile(Path.Combine("tests", "golden", scenario));

    /// <summary>Copies a run's result files over the golden ones of <paramref name="scenario"/>.</summary>
    public static void Rewrite(string scenario, string runDirectory)
    {
        var golden = Directory(scenario);
        System.IO.Directory.CreateDirectory(golden);
        foreach (var name in Names) File.Copy(Path.Combine(runDirectory, name), Path.Combine(golden, name), overwrite: true);
    }

    /// <summary>Fails on the first result file that differs from its golden copy, naming the file and the first differing line.</summary>
    public static void AssertSame(string scenario, string runDirectory, string context)
    {
        foreach (var name in Names)
        {
            var goldenPath = Path.Combine(Directory(scenario), name);
            Assert.True(File.Exists(goldenPath), $"{goldenPath} is missing: run the golden tests once with DCSIM_UPDATE_GOLDEN=1 (tests/golden/README.md)");
            var expected = File.ReadAllBytes(goldenPath);
            var actual = File.ReadAllBytes(Path.Combine(runDirectory, name));
            if (expected.AsSpan().SequenceEqual(actual)) continue;
            Assert.Fail($"tests/golden/{scenario}/{name} differs from the result of {context}.\n{FirstDifference(expected, actual)}\n"
                + "If the change is deliberate, rewrite the golden files with DCSIM_UPDATE_GOLDEN=1 and give the reason in the same commit (tests/golden/README.md).");
        }
    }

    /// <summary>The first line (1-based) where the two texts differ, with both versions of it.</summary>
    public static string FirstDifference(byte[] expected, byte[] actual)
    {
        var e = System.Text.Encoding.UTF8.GetString(expected).Split('\n');
        var a = System.Text.Encoding.UTF8.GetString(actual).Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var golden = i < e.Length ? e[i] : null;
            var run = i < a.Length ? a[i] : null;
            if (golden != run)
                return $"first difference at line {i + 1}:\n  golden: {Show(golden)}\n  run:    {Show(run)}";
        }
        return "the lines are equal; the bytes differ (encoding or line endings)";
    }

    private static string Show(string? line) => line is null ? "(end of file)" : line.Length > 2000 ? line[..2000] + " …" : line;
}
