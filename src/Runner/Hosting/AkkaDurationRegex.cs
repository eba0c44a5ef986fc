using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Akka.Configuration.Hocon;

namespace DcSim.Runner.Hosting;

/// <summary>
/// Akka (1.5.74) reads every duration of its configuration with one regex, HoconValue.TimeSpanRegex, built RegexOptions.Compiled:
/// its first match JIT-compiles the regex's emitted code, 52-77 ms of CPU alone in a process and ~140 ms under load, which an
/// ActorSystem's start waited for on the way to a run's first window (docs/benchmarks.md, "eleventh round"). The same pattern
/// interpreted matches the same text (Compiled changes speed, never results), costs ~1 ms to build, and a start reads its few
/// dozen durations in well under a millisecond with it.
/// </summary>
internal static class AkkaDurationRegex
{
    /// <summary>
    /// Replaces the compiled regex with an interpreted one, before a node's ActorSystem reads its first duration (once is enough: the
    /// field is static). An Akka without that field keeps its own regex.
    /// </summary>
    public static void UseInterpreted()
    {
        try
        {
            ref var regex = ref TimeSpanRegex(null);
            if ((regex.Options & RegexOptions.Compiled) != 0) regex = new Regex(regex.ToString(), regex.Options & ~RegexOptions.Compiled, regex.MatchTimeout);
        }
        catch (MissingFieldException)
        {
            // Another Akka version: nothing to replace.
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.StaticField, Name = "TimeSpanRegex")]
    private static extern ref Regex TimeSpanRegex(HoconValue? declaringType);
}
