using System.Text.RegularExpressions;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>The bad-input contract on standard error: only FILE:LINE: KEY: MESSAGE lines, a line of at least 1, no stack trace.</summary>
internal static class ScenarioErrorLines
{
    private static readonly Regex Line = new(@"^(?<file>.+?):(?<line>\d+): (?<key>[^:\s][^:]*?): (?<message>.+)$");

    /// <summary>Asserts the form of every line of <paramref name="stderr"/> and returns them as (file, line, key, message).</summary>
    public static List<(string File, int Line, string Key, string Message)> AssertOnly(string stderr, string context)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0, $"{context}: nothing on standard error");
        var parsed = new List<(string, int, string, string)>();
        foreach (var l in lines)
        {
            var m = Line.Match(l);
            Assert.True(m.Success, $"{context}: not a FILE:LINE: KEY: MESSAGE line: '{l}'\n{stderr}");
            var number = int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(number >= 1, $"{context}: line {number} in '{l}'");
            Assert.DoesNotContain("   at ", l);
            Assert.DoesNotContain("Exception", l);
            parsed.Add((m.Groups["file"].Value, number, m.Groups["key"].Value, m.Groups["message"].Value));
        }
        return parsed;
    }
}
