namespace DcSim.SimCore.Scenario;

/// <summary>A <c>${target}</c> in the value of <see cref="Path"/>, on <see cref="Line"/>.</summary>
internal sealed record HoconSubstitution(string Path, string Target, int Line);

/// <summary>
/// Finds substitution cycles before Akka's parser, which resolves them by recursion until the process dies
/// of a stack overflow (<c>name = ${name}</c>, or <c>a = ${b}</c> with <c>b = ${a}</c>).
/// Resolving <c>${t}</c> needs every substitution at t, inside t (t is an object holding one) and at an
/// ancestor of t (t lies in a value that is itself substituted). A substitution that needs itself is a
/// cycle; that includes <c>a = ${a}</c>, which HOCON would read as "the earlier value of a" but Akka cannot.
/// Linear in the substitutions and their edges; edges are bounded by <see cref="MaxSubstitutions"/> squared.
/// </summary>
internal static class HoconSubstitutions
{
    /// <summary>Substitutions a text may have; scenario files need a few.</summary>
    public const int MaxSubstitutions = 1_000;

    public static HoconSyntaxError? FindCycle(IReadOnlyList<HoconSubstitution> substitutions)
    {
        if (substitutions.Count == 0) return null;
        if (substitutions.Count > MaxSubstitutions)
        {
            var extra = substitutions[MaxSubstitutions];
            return new HoconSyntaxError(extra.Line, extra.Path, $"more than {MaxSubstitutions} ${{...}} substitutions; a scenario needs a few");
        }
        var byPath = substitutions.GroupBy(s => s.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sorted = byPath.Keys.Order(StringComparer.Ordinal).ToArray();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path; true: done, no cycle through it
        foreach (var start in sorted)
        {
            if (Visit(start, byPath, sorted, state, []) is { } cycle) return cycle;
        }
        return null;
    }

    /// <summary>Depth-first search with an explicit stack of (path, its remaining needs); returns the first cycle found.</summary>
    private static HoconSyntaxError? Visit(string start, Dictionary<string, List<HoconSubstitution>> byPath, string[] sorted,
        Dictionary<string, bool> state, List<(string Path, IEnumerator<(HoconSubstitution Via, string Needed)> Needs)> stack)
    {
        if (state.ContainsKey(start)) return null;
        state[start] = false;
        stack.Add((start, Needs(byPath[start], byPath, sorted).GetEnumerator()));
        while (stack.Count > 0)
        {
            var (path, needs) = stack[^1];
            if (!needs.MoveNext())
            {
                state[path] = true;
                stack.RemoveAt(stack.Count - 1);
                continue;
            }
            var (via, needed) = needs.Current;
            if (state.TryGetValue(needed, out var done))
            {
                if (!done) return Cycle(stack.Select(s => s.Path).SkipWhile(p => p != needed).ToList(), via, byPath);
                continue;
            }
            state[needed] = false;
            stack.Add((needed, Needs(byPath[needed], byPath, sorted).GetEnumerator()));
        }
        return null;
    }

    /// <summary>The substituted paths that resolving the substitutions at one path needs.</summary>
    private static IEnumerable<(HoconSubstitution Via, string Needed)> Needs(List<HoconSubstitution> at, Dictionary<string, List<HoconSubstitution>> byPath, string[] sorted)
    {
        foreach (var s in at)
        {
            for (var p = s.Target; p.Length > 0; p = HoconPositions.ParentOf(p))
            {
                if (byPath.ContainsKey(p)) yield return (s, p);
            }
            foreach (var separator in (string[])[".", "["])
            {
                var prefix = s.Target + separator;
                var i = Array.BinarySearch(sorted, prefix, StringComparer.Ordinal);
                for (i = i < 0 ? ~i : i; i < sorted.Length && sorted[i].StartsWith(prefix, StringComparison.Ordinal); i++)
                    yield return (s, sorted[i]);
            }
        }
    }

    private static HoconSyntaxError Cycle(List<string> paths, HoconSubstitution closing, Dictionary<string, List<HoconSubstitution>> byPath)
    {
        var first = byPath[paths[0]][0];
        var chain = paths.Count == 1
            ? $"'{paths[0]}' refers to itself through ${{{closing.Target}}}"
            : string.Join(" -> ", paths.Select(p => $"'{p}'").Append($"'{paths[0]}'")) + " (each refers to the next through a ${...} substitution)";
        return new HoconSyntaxError(first.Line, paths[0], $"substitution cycle: {chain}; a value cannot depend on itself");
    }
}
