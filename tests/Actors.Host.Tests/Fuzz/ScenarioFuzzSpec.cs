using System.Diagnostics;
using DcSim.ActorsHost.Tests.Scenario;
using DcSim.SimCore.Scenario;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.Fuzz;

/// <summary>
/// 1,200 mutations of the example scenarios through the in-process loader (issue 8): every case either loads,
/// or fails with a <see cref="ScenarioException"/> whose every error has a file, a line of at least 1 and a key;
/// never another exception, never more than a few seconds or a few hundred megabytes. The seed is fixed, so a
/// failure names a case that reproduces.
/// </summary>
public sealed class ScenarioFuzzSpec(ITestOutputHelper output)
{
    public static readonly int Seed = int.Parse(Environment.GetEnvironmentVariable("DCSIM_FUZZ_SEED") ?? "20261201");
    private static readonly int Cases = int.Parse(Environment.GetEnvironmentVariable("DCSIM_FUZZ_CASES") ?? "1200");
    private static readonly TimeSpan MaxTimePerCase = TimeSpan.FromSeconds(5);
    private const long MaxBytesPerCase = 300L << 20;

    [Fact]
    public void Loader_must_load_or_reject_with_located_errors_every_mutated_scenario()
    {
        // arrange
        var root = ScenarioTestSupport.RepoRoot;
        var directory = Path.Combine(root, "config", "scenarios");
        var sources = ScenarioMutator.ExampleScenarios(root);
        var failures = new List<string>();
        int loaded = 0, rejected = 0;
        var slowest = TimeSpan.Zero;

        // act
        foreach (var c in new ScenarioMutator(Seed).Cases(sources, Cases))
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                // The checks a run makes, with fixed limits so that a case's outcome does not depend on the machine.
                ScenarioLoader.Parse(c.Text, "fuzz.conf", directory, FabricModel.Instance, null, new ScenarioChecks { MaxMemoryBytes = 16e9 }, out var warnings);
                failures.AddRange(warnings.Where(w => !IsLocated(w)).Select(w => $"{c}: warning not located: {w}"));
                loaded++;
            }
            catch (ScenarioException e)
            {
                failures.AddRange(e.Errors.Where(w => !IsLocated(w)).Select(w => $"{c}: error not located: {w}"));
                rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"{c}: {e.GetType().Name}: {e.Message}\n{c.Text}");
            }
            var elapsed = clock.Elapsed;
            slowest = elapsed > slowest ? elapsed : slowest;
            if (elapsed > MaxTimePerCase) failures.Add($"{c}: took {elapsed}");
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (bytes > MaxBytesPerCase) failures.Add($"{c}: allocated {bytes >> 20} MB");
        }

        // assert
        output.WriteLine($"{Cases} cases: {loaded} loaded, {rejected} rejected, slowest {slowest.TotalMilliseconds:0} ms");
        Assert.True(failures.Count == 0, $"{failures.Count} failures, the first:\n{string.Join("\n", failures.Take(10))}");
        // A mutator that breaks everything, or nothing, tests little.
        Assert.InRange(loaded, Cases / 20, Cases - Cases / 5);
    }

    /// <summary>A file, a line of at least 1 and a key: the FILE:LINE: KEY: MESSAGE form.</summary>
    private static bool IsLocated(ScenarioError e) => e.File.Length > 0 && e.Line >= 1 && e.Key.Trim().Length > 0 && e.Message.Length > 0;
}
