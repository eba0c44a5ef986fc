namespace DcSim.SimCore.Scenario;

/// <summary>
/// A scenario could not be loaded. Carries every problem found (not just the first), so a user can fix
/// them all in one edit; <see cref="Exception.Message"/> lists them one per line.
/// </summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(IReadOnlyList<ScenarioError> errors)
        : base(string.Join("\n", errors.Select(e => e.ToString())))
    {
        if (errors.Count == 0) throw new ArgumentException("a scenario exception needs at least one error", nameof(errors));
        Errors = errors;
    }

    public IReadOnlyList<ScenarioError> Errors { get; }
}
