namespace DcSim.SimCore.Scenario;

/// <summary>
/// Collects the errors of one scenario and places each on a line: a key the file sets is reported at its
/// own line; a key that only has its default value at the line of the closest enclosing key the file sets
/// (where the user would add it), or in reference.conf when the file sets nothing around it.
/// </summary>
internal sealed class ScenarioDiagnostics(string file, HoconPositions positions, ScenarioReference reference)
{
    private readonly List<ScenarioError> _errors = [];

    public string File { get; } = file;

    public bool HasErrors => _errors.Count > 0;

    /// <summary>An error about a key (or list element) written in the scenario file.</summary>
    public void Report(string path, string message)
    {
        positions.TryFindEnclosing(path, out _, out var line);
        _errors.Add(new ScenarioError(File, line, path, message));
    }

    /// <summary>An error about the value of <paramref name="path"/>, which the file either sets or leaves at its default.</summary>
    public void Report(string path, string referencePath, bool fromFile, string message)
    {
        if (fromFile) { Report(path, message); return; }
        message += " (this is the default value; set the key to override it)";
        if (positions.TryFindEnclosing(HoconPositions.ParentOf(path), out _, out var line))
            _errors.Add(new ScenarioError(File, line, path, message));
        else
            _errors.Add(new ScenarioError(ScenarioReference.FileName, reference.Positions.LineOf(referencePath) ?? 0, path, message));
    }

    public void ReportAt(string file, int line, string path, string message) => _errors.Add(new ScenarioError(file, line, path, message));

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
        throw new ScenarioException(ordered);
    }
}
