using System.Diagnostics;
using System.Globalization;

namespace DcSim.Runner.Hosting;

/// <summary>
/// When a run's start-up steps ended, in seconds from the process's start (the runtime's own start included), for `dcsim run
/// --verbose`: where the time before the first window goes (docs/kernel.md, "One process: no cluster"). Wall time: it is printed,
/// never part of a result.
/// </summary>
internal static class StartTimeline
{
    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    /// <summary>
    /// The steps so far: records, not (string, double) tuples, whose List is generic code over a value type that ReadyToRun leaves out
    /// (7 methods JIT-compiled at the first mark, "main").
    /// </summary>
    private static readonly List<Step> Steps = [];

    private sealed record Step(string Name, double Seconds);

    /// <summary>Seconds since the process started.</summary>
    public static double Now => (DateTime.UtcNow - ProcessStart).TotalSeconds;

    /// <summary>Notes that <paramref name="step"/> ended now (or at <paramref name="seconds"/> from the process's start); any thread.</summary>
    public static void Mark(string step, double? seconds = null)
    {
        var at = seconds ?? Now;
        lock (Steps) Steps.Add(new Step(step, at));
    }

    /// <summary>The steps in time order: "main 0.31 s, scenario 1.42 s, ...".</summary>
    public static string Describe()
    {
        lock (Steps)
            return string.Join(", ", Steps.OrderBy(s => s.Seconds).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Seconds:0.00} s")));
    }
}
