namespace DcSim.SimCore.Scenario;

/// <summary>The first syntax error of a HOCON text: its line, the key being read (may be empty) and what is wrong.</summary>
internal sealed record HoconSyntaxError(int Line, string Path, string Message);

/// <summary>
/// Line numbers of the keys of one HOCON text, by full path ("topology.host-link.rate",
/// "traffic.generators[0].hosts[1]"), as found by <see cref="HoconScanner"/>. Akka's parser keeps no
/// positions, so error messages look lines up here.
/// </summary>
internal sealed class HoconPositions
{
    private readonly IReadOnlyDictionary<string, int> _lines;

    public HoconPositions(IReadOnlyDictionary<string, int> lines, HoconSyntaxError? syntaxError, string text, IReadOnlyList<HoconSubstitution> substitutions)
    {
        _lines = lines;
        SyntaxError = syntaxError;
        Text = text;
        Substitutions = substitutions;
    }

    /// <summary>Null when the text is well-formed.</summary>
    public HoconSyntaxError? SyntaxError { get; }

    /// <summary>The text for Akka's parser: the scanned text, with the constructs Akka misreads rewritten; same length and lines.</summary>
    public string Text { get; }

    /// <summary>Every ${...} of the text, in text order.</summary>
    public IReadOnlyList<HoconSubstitution> Substitutions { get; }

    public IEnumerable<string> Paths => _lines.Keys;

    /// <summary>The line where the text sets <paramref name="path"/> (the last setting when it is set twice), if it does.</summary>
    public int? LineOf(string path) => _lines.TryGetValue(path, out var line) ? line : null;

    /// <summary>
    /// The path itself or its closest enclosing path that the text sets, with that line; false when not even
    /// the outermost key is in the text (the value comes from the defaults alone).
    /// </summary>
    public bool TryFindEnclosing(string path, out string found, out int line)
    {
        for (var p = path; p.Length > 0; p = ParentOf(p))
        {
            if (_lines.TryGetValue(p, out line)) { found = p; return true; }
        }
        found = "";
        line = 0;
        return false;
    }

    /// <summary>The deepest key set on the last line at or before <paramref name="line"/> that sets one; "" when none.</summary>
    public string KeyAtOrBefore(int line)
    {
        var (best, bestLine) = ("", 0);
        foreach (var (path, at) in _lines)
        {
            if (at <= line && (at > bestLine || (at == bestLine && path.Length > best.Length))) (best, bestLine) = (path, at);
        }
        return best;
    }

    /// <summary>"a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".</summary>
    public static string ParentOf(string path)
    {
        if (path.EndsWith(']'))
        {
            var open = path.LastIndexOf('[');
            if (open >= 0) return path[..open];
        }
        var dot = path.LastIndexOf('.');
        return dot < 0 ? "" : path[..dot];
    }

    public static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;
}
