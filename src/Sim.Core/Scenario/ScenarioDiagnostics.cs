namespace DcSim.SimCore.Scenario;

/// <summary>
/// Collects the errors of one scenario and places each on a line: a key the file sets is reported at its
/// own line; a key that only has its default value at the line of the closest enclosing key the file sets
/// (where the user would add it), or in reference.conf when the file sets nothing around it.
/// </summary>
public sealed class ScenarioDiagnostics
{
    private readonly HoconPositions _positions;
    private readonly ScenarioReference _reference;

    internal ScenarioDiagnostics(string file, HoconPositions positions, ScenarioReference reference)
    {
        File = file;
        _positions = positions;
        _reference = reference;
    }

    /// <summary>Errors listed in full; past this many, checking a key costs nothing and the rest are counted.</summary>
    public const int MaxErrors = 100;

    private readonly List<ScenarioError> _errors = [];
    private ScenarioError? _firstUnlisted;
    private int _unlisted;

    public string File { get; }

    public bool HasErrors => _errors.Count > 0;

    /// <summary>The first error reported, or null.</summary>
    internal ScenarioError? FirstError => _errors.Count > 0 ? _errors[0] : null;

    /// <summary>True when <see cref="MaxErrors"/> errors are listed: further errors only count, so checks may stop early.</summary>
    public bool IsFull => _errors.Count >= MaxErrors;

    /// <summary>An error about a key (or list element) written in the scenario file.</summary>
    public void Report(string path, string message) => Add(Locate(path, message));

    /// <summary>A problem about a key (or list element), at the line of that key or of the closest enclosing key the file sets.</summary>
    /// When the file sets nothing around it (a default drives the problem), at line 1.
    public ScenarioError Locate(string path, string message) =>
        new(File, _positions.TryFindEnclosing(path, out _, out var line) ? line : 1, path, message);

    /// <summary>An error about the value of <paramref name="path"/>, which the file either sets or leaves at its default.</summary>
    public void Report(string path, string referencePath, bool fromFile, string message)
    {
        if (fromFile) { Report(path, message); return; }
        message += " (this is the default value; set the key to override it)";
        if (_positions.TryFindEnclosing(HoconPositions.ParentOf(path), out _, out var line))
            Add(new ScenarioError(File, line, path, message));
        else
            Add(new ScenarioError(ScenarioReference.FileName, _reference.Positions.LineOf(referencePath) ?? 0, path, message));
    }

    public void ReportAt(string file, int line, string path, string message) => Add(new ScenarioError(file, line, path, message));

    private void Add(ScenarioError error)
    {
        if (!IsFull) { _errors.Add(error); return; }
        _firstUnlisted ??= error;
        _unlisted++;
    }

    /// <summary>Throws every error collected so far, in file and line order.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count == 0) return;
        var ordered = _errors
            .Distinct()
            .Select((e, i) => (Error: e, Order: i))
            .OrderBy(x => x.Error.File == File ? 0 : 1)
            .ThenBy(x => x.Error.File, StringComparer.Ordinal)
            .ThenBy(x => x.Error.Line)
            .ThenBy(x => x.Order)
            .Select(x => x.Error)
            .ToList();
        if (_firstUnlisted is { } first)
            ordered.Add(first with { Message = $"{_unlisted} more error(s) from here on are not listed (the first {MaxErrors} are); fix those first" });
        throw new ScenarioException(ordered);
    }
}
