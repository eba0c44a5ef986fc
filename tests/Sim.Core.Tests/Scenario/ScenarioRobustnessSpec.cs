using DcSim.SimCore.Scenario;
using Xunit;

namespace DcSim.SimCore.Tests.Scenario;

/// <summary>
/// Akka's HOCON parser loops forever on some malformed text (an unclosed list, ${?x}); the scanner must
/// stop all of it first. Random edits of the example scenarios must each load or fail with a
/// ScenarioException, promptly and with a line number.
/// </summary>
public sealed class ScenarioRobustnessSpec
{
    [Fact]
    public async Task Mutated_scenarios_load_or_fail_cleanly_and_never_hang()
    {
        var directory = Path.Combine(ScenarioTestSupport.RepoRoot, "config", "scenarios");
        var originals = Directory.GetFiles(directory, "*.conf").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var rng = new Random(20240601);
        const string alphabet = "{}[],=:\"$#/\n ab1-.?@\\+";
        for (var i = 0; i < 3000; i++)
        {
            var text = originals[rng.Next(originals.Length)];
            for (var edits = 1 + rng.Next(4); edits > 0 && text.Length > 0; edits--)
            {
                var at = rng.Next(text.Length);
                text = rng.Next(3) switch
                {
                    0 => text.Remove(at, 1),
                    1 => text.Insert(at, alphabet[rng.Next(alphabet.Length)].ToString()),
                    _ => text.Remove(at, Math.Min(rng.Next(1, 20), text.Length - at)),
                };
            }
            var mutated = text;
            var parse = Task.Run(() =>
            {
                try
                {
                    ScenarioLoader.Parse(mutated, "mutated.conf", directory);
                    return null;
                }
                catch (ScenarioException e)
                {
                    return e;
                }
            });
            var error = await parse.WaitAsync(TimeSpan.FromSeconds(10));
            if (error is null) continue;
            Assert.All(error.Errors, e => Assert.True(e.Line > 0, $"no line for:\n{e}\nin:\n{mutated}"));
        }
    }
}
