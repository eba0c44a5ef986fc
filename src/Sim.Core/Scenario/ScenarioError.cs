namespace DcSim.SimCore.Scenario;

/// <summary>
/// One problem in a scenario: where it is (file, 1-based line, 0 when unknown), which key it concerns
/// (the full dotted path such as <c>traffic.generators[0].rate</c>, empty for a syntax error outside any key)
/// and what is wrong.
/// </summary>
public sealed record ScenarioError(string File, int Line, string Key, string Message)
{
    /// <summary>"FILE:LINE: KEY: MESSAGE", or "FILE:LINE: MESSAGE" when there is no key; the form compilers use, so editors can jump to it.</summary>
    public override string ToString() =>
        Key.Length == 0 ? $"{File}:{Line}: {Message}" : $"{File}:{Line}: {Key}: {Message}";
}
