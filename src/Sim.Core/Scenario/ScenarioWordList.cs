namespace DcSim.SimCore.Scenario;

/// <summary>
/// The words one scenario key accepts and the value each stands for: an enumeration's member as an int (the reader casts it back), an
/// index, or -1 for a word such as auto. Shared by reading and by writing the resolved scenario (the first word of a value is written).
/// </summary>
/// <remarks>
/// Not generic on purpose. A list of (string, TEnum) tuples is a generic instantiation over a value type from outside the assembly
/// that ReadyToRun cannot precompile: each enumeration cost ~12 methods JIT-compiled on the main thread on the way to a run's first
/// window (the tuple, the collection expression's list, TryWord, WordOf, EqualityComparer; docs/benchmarks.md, "eleventh round").
/// (string, int) tuples in an array are precompiled in the runtime's own image.
/// </remarks>
public sealed class ScenarioWordList
{
    private readonly string[] _words;
    private readonly int[] _values;

    public ScenarioWordList(params (string Word, int Value)[] entries)
    {
        _words = new string[entries.Length];
        _values = new int[entries.Length];
        for (var i = 0; i < entries.Length; i++) (_words[i], _values[i]) = entries[i];
    }

    /// <summary>This list with <paramref name="word"/> first, standing for <paramref name="value"/> (auto before a boolean's words).</summary>
    public ScenarioWordList Prepend(string word, int value)
    {
        var entries = new (string Word, int Value)[_words.Length + 1];
        entries[0] = (word, value);
        for (var i = 0; i < _words.Length; i++) entries[i + 1] = (_words[i], _values[i]);
        return new ScenarioWordList(entries);
    }

    /// <summary>The words, in order, for an error message.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The value <paramref name="word"/> stands for.</summary>
    public bool TryFind(string word, out int value)
    {
        for (var i = 0; i < _words.Length; i++)
        {
            if (_words[i] == word)
            {
                value = _values[i];
                return true;
            }
        }
        value = 0;
        return false;
    }

    /// <summary>The first word for <paramref name="value"/>.</summary>
    public string WordOf(int value)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] == value) return _words[i];
        }
        throw new InvalidOperationException($"no word for {value}");
    }
}
