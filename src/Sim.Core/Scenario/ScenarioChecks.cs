using System.Globalization;

namespace DcSim.SimCore.Scenario;

/// <summary>A problem a check outside Sim.Core found in a loaded scenario: the scenario key it concerns and what is wrong.</summary>
public sealed record ScenarioProblem(string Key, string Message);

/// <summary>
/// What <see cref="ScenarioLoader.Load(string, ulong?, ScenarioChecks?, out IReadOnlyList{ScenarioError})"/> checks
/// beyond the scenario format, for a command that is about to run the scenario: the model's own checks (the
/// vSwitch rules, which Sim.Core cannot parse), and the estimated cost of the run (<see cref="ScenarioCostEstimate"/>)
/// against limits. Problems are reported like every other error, at the line of the key they name.
/// </summary>
public sealed record ScenarioChecks
{
    /// <summary>Checks the model makes on valid settings; each problem names a scenario key.</summary>
    public Func<ScenarioSettings, IEnumerable<ScenarioProblem>>? Model { get; init; }

    /// <summary>Run even when the estimate is beyond the limits (`dcsim run --force`): the refusal becomes a warning.</summary>
    public bool Force { get; init; }

    /// <summary>Events beyond which a run is refused: 1e11 is about 14 hours at 2 M events/s.</summary>
    public double MaxEvents { get; init; } = 1e11;

    /// <summary>Events beyond which a warning is printed: 1e9 is about 8 minutes.</summary>
    public double WarnEvents { get; init; } = 1e9;

    /// <summary>Memory beyond which a run is refused: what this process may use (physical memory, or a container's limit).</summary>
    public double MaxMemoryBytes { get; init; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Memory beyond which a warning is printed: half of <see cref="MaxMemoryBytes"/> by default.</summary>
    public double? WarnMemoryBytes { get; init; }

    /// <summary>What the estimate of a run gives: errors (refused) and warnings, each with the key that drives it.</summary>
    internal IEnumerable<(string Key, string Message, bool Refused)> Judge(ScenarioCostEstimate cost)
    {
        var warnMemory = WarnMemoryBytes ?? MaxMemoryBytes / 2;
        var describe = cost.Describe();
        var available = string.Create(CultureInfo.InvariantCulture, $"{MaxMemoryBytes / 1e9:0.#} GB");
        if (cost.MemoryBytes > MaxMemoryBytes)
            yield return Verdict(cost.MemoryKey, $"the run needs {describe}: more memory than this machine has ({available})", true);
        else if (cost.MemoryBytes > warnMemory)
            yield return Verdict(cost.MemoryKey, $"the run needs {describe}: more than half of this machine's memory ({available})", false);
        if (cost.Events > MaxEvents)
            yield return Verdict(cost.EventsKey, string.Create(CultureInfo.InvariantCulture, $"the run needs {describe}: more than the limit of {MaxEvents:0.#e0} events"), true);
        else if (cost.Events > WarnEvents)
            yield return Verdict(cost.EventsKey, $"the run needs {describe}", false);
    }

    private (string Key, string Message, bool Refused) Verdict(string key, string message, bool beyondLimit)
    {
        var refused = beyondLimit && !Force;
        var advice = !beyondLimit ? "" : Force ? " (running anyway: --force)" : "; make the scenario smaller, or run it anyway with --force";
        return (key, (refused ? "" : "warning: ") + message + advice, refused);
    }
}
