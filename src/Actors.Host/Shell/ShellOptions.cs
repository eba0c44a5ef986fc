using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Shell;

/// <summary>
/// The options after a verb's fixed arguments, as NAME VALUE pairs ("count 5 interval 10ms"): each read once with its own parser, and a
/// name the verb does not take, a name given twice or a name without its value is an error naming it.
/// </summary>
internal sealed class ShellOptions
{
    private readonly string _verb;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ShellOptions(string verb) => _verb = verb;

    /// <summary>The options <paramref name="given"/> to <paramref name="verb"/>, which takes <paramref name="names"/>; or why not.</summary>
    public static (ShellOptions? Options, string Error) Parse(string verb, ReadOnlySpan<string> given, params string[] names)
    {
        var options = new ShellOptions(verb);
        for (var i = 0; i < given.Length; i += 2)
        {
            var name = given[i];
            if (!names.Contains(name)) return (null, $"{verb}: unknown option '{name}' ({verb} takes {string.Join(", ", names)})");
            if (i + 1 >= given.Length) return (null, $"{verb}: option '{name}' needs a value");
            if (!options._values.TryAdd(name, given[i + 1])) return (null, $"{verb}: option '{name}' is given twice");
        }
        return (options, "");
    }

    /// <summary>The options given, as NAME VALUE pairs.</summary>
    public IReadOnlyList<(string Key, string Value)> Given => [.. _values.Select(v => (v.Key, v.Value))];

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when not given.</summary>
    public (int Value, string Error) Count(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var text)) return (fallback, "");
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? (n, "")
            : (0, $"{_verb}: {name} '{text}' must be a whole number from {min} to {max}");
    }

    /// <summary>A duration as scenarios write them (10us, 1.5ms, 2s), more than zero; <paramref name="fallback"/> when not given.</summary>
    public (long Picoseconds, string Error) Duration(string name, long fallback)
    {
        if (!_values.TryGetValue(name, out var text)) return (fallback, "");
        if (!QuantityParser.TryParseTime(text, out var ps, out var error)) return (0, $"{_verb}: {name} '{text}': {error}");
        return ps > 0 ? (ps, "") : (0, $"{_verb}: {name} '{text}' must be more than zero");
    }
}
