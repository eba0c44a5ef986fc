using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// The checked-in result files of tests/golden/&lt;scenario&gt;/ and the byte-for-byte comparison with a
/// fresh run. With DCSIM_UPDATE_GOLDEN=1 the single-process run rewrites them instead (tests/golden/README.md).
/// </summary>
internal static class GoldenFiles
{
    public static readonly string[] Names = ["summary.json", "flows.csv", "links.csv", "servers.csv", "endpoints.csv", "cores.csv", "rr.csv", "tcp-flows.csv", "series.csv"];

    public static bool UpdateMode => Environment.GetEnvironmentVariable("DCSIM_UPDATE_GOLDEN") == "1";

    public static string Directory(string scenario) => Dcsim.RepositoryFile(Path.Combine("tests", "golden", scenario));

    /// <summary>Copies a run's result files over the golden ones of <paramref name="scenario"/>.</summary>
    public static void Rewrite(string scenario, string runDirectory)
    {
        var golden = Directory(scenario);
        System.IO.Directory.CreateDirectory(golden);
        foreach (var name in Names) File.Copy(Path.Combine(runDirectory, name), Path.Combine(golden, name), overwrite: true);
    }

    /// <summary>
    /// Fails when a result file differs from its golden copy: names the first such file, its first differing line
    /// (golden and new) and how many lines differ, and lists the other files that differ.
    /// </summary>
    public static void AssertSame(string scenario, string runDirectory, string context)
    {
        var differing = new List<(string Name, byte[] Golden, byte[] Run)>();
        foreach (var name in Names)
        {
            var goldenPath = Path.Combine(Directory(scenario), name);
            Assert.True(File.Exists(goldenPath), $"{goldenPath} is missing: run the golden tests once with DCSIM_UPDATE_GOLDEN=1 (tests/golden/README.md)");
            var expected = File.ReadAllBytes(goldenPath);
            var actual = File.ReadAllBytes(Path.Combine(runDirectory, name));
            if (!expected.AsSpan().SequenceEqual(actual)) differing.Add((name, expected, actual));
        }
        if (differing.Count == 0) return;
        var (first, golden, run) = differing[0];
        var others = differing.Count == 1 ? "" : $"\nAlso differ: {string.Join(", ", differing.Skip(1).Select(d => d.Name))}.";
        Assert.Fail($"tests/golden/{scenario}/{first} differs from the result of {context}.\n{FirstDifference(golden, run)}{others}\n"
            + "If the change is deliberate, rewrite the golden files with DCSIM_UPDATE_GOLDEN=1 and give the reason in the same commit (tests/golden/README.md).");
    }

    /// <summary>The first line (1-based) where the two texts differ, with both versions of it, and the number of differing lines.</summary>
    public static string FirstDifference(byte[] expected, byte[] actual)
    {
        var e = System.Text.Encoding.UTF8.GetString(expected).Split('\n');
        var a = System.Text.Encoding.UTF8.GetString(actual).Split('\n');
        var lines = Math.Max(e.Length, a.Length);
        string? Line(string[] text, int i) => i < text.Length ? text[i] : null;
        var differ = Enumerable.Range(0, lines).Where(i => Line(e, i) != Line(a, i)).ToList();
        if (differ.Count == 0) return "the lines are equal; the bytes differ (encoding or line endings)";
        var at = differ[0];
        var (golden, run) = (Line(e, at), Line(a, at));
        var column = golden is null || run is null ? 0 : Enumerable.Range(0, Math.Min(golden.Length, run.Length)).FirstOrDefault(c => golden[c] != run[c], Math.Min(golden.Length, run.Length));
        var where = column > Shown / 2 ? $" (from column {column + 1 - Shown / 2}; they first differ at column {column + 1})" : "";
        var count = differ.Count == 1 ? "" : $"\n  ({differ.Count} lines differ)";
        return $"first difference at line {at + 1}{where}:\n  golden: {Show(golden, column)}\n  run:    {Show(run, column)}{count}";
    }

    /// <summary>Characters of a differing line shown: long lines (the resolved scenario in summary.json) are cut around the difference.</summary>
    private const int Shown = 240;

    private static string Show(string? line, int column)
    {
        if (line is null) return "(end of file)";
        var start = column > Shown / 2 ? column - Shown / 2 : 0;
        var cut = line[start..Math.Min(line.Length, start + Shown)];
        return (start > 0 ? "…" : "") + cut + (start + Shown < line.Length ? "…" : "");
    }
}
