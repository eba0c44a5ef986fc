using System.Globalization;
using System.Text.RegularExpressions;
using DcSim.ActorsHost.Tests.Fuzz;
using DcSim.Testing;
using Xunit;

namespace DcSim.EndToEnd;

/// <summary>
/// A sample of the scenario fuzz suite (Sim.Core.Tests/Fuzz) through the real executable: 30 mutated example
/// scenarios, each validated and, up to six of the valid ones, run. Every case exits 0 (a run with its results), or exits 2 with
/// only FILE:LINE: KEY: MESSAGE lines on standard error, no stack trace, and no output folder.
/// </summary>
public sealed class ScenarioFuzzSampleSpec
{
    private const int Seed = 20261201;
    private const int Cases = 30;

    /// <summary>Runs estimated above this many events are only validated: the sample must finish in minutes.</summary>
    private const double MaxEventsToRun = 2e7;

    /// <summary>Valid cases run, the first ones within <see cref="MaxEventsToRun"/> (not every fifth: the sample moves when examples are added).</summary>
    private const int MaxRuns = 6;

    private static readonly Regex Events = new(@"and (?<n>[0-9.e+]+) events");

    [Fact]
    public void Dcsim_must_run_or_reject_with_located_errors_every_mutated_scenario()
    {
        // arrange: the scenarios' CDF and rules files next to the mutated copies
        var dir = Scratch.Directory("fuzz");
        var examples = Dcsim.RepositoryFile("config/scenarios");
        foreach (var sub in new[] { "cdf", "rules" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
            foreach (var f in Directory.GetFiles(Path.Combine(examples, sub))) File.Copy(f, Path.Combine(dir, sub, Path.GetFileName(f)));
        }
        var sources = ScenarioMutator.ExampleScenarios(Path.GetDirectoryName(Path.GetDirectoryName(examples))!);
        int ran = 0, rejected = 0;

        foreach (var c in new ScenarioMutator(Seed).Cases(sources, Cases))
        {
            var file = Path.Combine(dir, $"case{c.Number}.conf");
            // Lone surrogates become U+FFFD: a file holds bytes, and UTF-8 has none for them.
            File.WriteAllText(file, c.Text, new System.Text.UTF8Encoding(false, false));
            var output = Path.Combine(dir, $"out{c.Number}");

            // act
            var validate = Dcsim.Run(TimeSpan.FromMinutes(1), "validate", file);

            // assert
            if (validate.ExitCode == 2)
            {
                ScenarioErrorLines.AssertOnly(validate.Stderr, c.ToString());
                rejected++;
                if (c.Number % 5 != 0) continue;
                var refused = Dcsim.Run(TimeSpan.FromMinutes(1), "run", file, "--out", output);
                Assert.True(refused.ExitCode == 2, $"{c}: run exit {refused.ExitCode}\n{refused.Stderr}");
                ScenarioErrorLines.AssertOnly(refused.Stderr, c.ToString());
                Assert.False(Directory.Exists(output), $"{c}: a rejected run wrote {output}");
                continue;
            }
            Assert.True(validate.ExitCode == 0, $"{c}: exit {validate.ExitCode}\n{validate.Stdout}{validate.Stderr}");
            if (validate.Stderr.Length > 0) ScenarioErrorLines.AssertOnly(validate.Stderr, c.ToString()); // warnings
            var events = double.Parse(Events.Match(validate.Stdout).Groups["n"].Value, CultureInfo.InvariantCulture);
            if (ran >= MaxRuns || events > MaxEventsToRun) continue;
            var run = Dcsim.Run(TimeSpan.FromMinutes(3), "run", file, "--out", output);
            Assert.True(run.ExitCode == 0, $"{c}: run exit {run.ExitCode}\n{run.Stderr}");
            Assert.True(File.Exists(Path.Combine(output, "summary.json")), $"{c}: no summary.json");
            ran++;
        }

        // assert: nothing but the runs wrote anything, and the sample has both outcomes
        Assert.Equal(ran, Directory.GetDirectories(dir, "out*").Length);
        Assert.InRange(rejected, 1, Cases - 1);
        Assert.True(ran >= 1, "the sample ran no scenario");
    }
}
