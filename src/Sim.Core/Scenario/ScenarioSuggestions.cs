namespace DcSim.SimCore.Scenario;

/// <summary>"Did you mean" for misspelt keys and words: the closest candidate by edit distance, if close enough.</summary>
public static class ScenarioSuggestions
{
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        // Up to a third of the word may be wrong, but always allow two edits (a swapped pair, "spine" for "spines").
        var limit = Math.Max(2, typed.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance && d <= limit && d < candidate.Length) { best = candidate; bestDistance = d; }
        }
        return best;
    }

    /// <summary>Levenshtein distance, with an adjacent swap counted as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
