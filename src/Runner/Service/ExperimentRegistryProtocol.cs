using Akka.Actor;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Service;

/// <summary>What a pause, resume or stop asks.</summary>
internal enum ExperimentAction { Pause, Resume, Stop }

internal static class ExperimentActions
{
    public static string Done(this ExperimentAction a) => a switch
    {
        ExperimentAction.Pause => "paused",
        ExperimentAction.Resume => "resumed",
        _ => "stopped",
    };
}

/// <summary>
/// Queue <paramref name="Scenario"/> (validated); <paramref name="Partitions"/> null: kernel.partitions, or one per member. <paramref name="Held"/>:
/// its run holds at simulated time 0 once started (the shell's start).
/// </summary>
internal sealed record SubmitExperiment(ScenarioSettings Scenario, string BaseDirectory, int? Partitions, string? Name, bool Held = false);

internal sealed record ListExperiments
{
    public static readonly ListExperiments Instance = new();
}

internal sealed record ExperimentList(IReadOnlyList<ExperimentView> Experiments);

/// <summary>Answered by <see cref="ExperimentView"/> or <see cref="ExperimentNotFound"/>.</summary>
internal sealed record GetExperiment(string Id);

internal sealed record ExperimentNotFound(string Id);

/// <summary>Answered by <see cref="ExperimentScenario"/> or <see cref="ExperimentNotFound"/>.</summary>
internal sealed record GetScenario(string Id);

/// <summary>The scenario an experiment was submitted with, as validated (read-only).</summary>
internal sealed record ExperimentScenario(string Id, ScenarioSettings Scenario);

/// <summary>Answered by the experiment's <see cref="ExperimentView"/> once done, or <see cref="ExperimentRefused"/>.</summary>
internal sealed record ControlExperiment(string Id, ExperimentAction Action);

/// <summary>The experiment's state does not allow what was asked (HTTP 409).</summary>
internal sealed record ExperimentRefused(ExperimentView Experiment, string Detail);

/// <summary>Where the counters of an experiment are: <see cref="LiveExperiment"/>, <see cref="FinishedExperiment"/>, or refused.</summary>
internal sealed record LocateExperiment(string Id);

/// <summary>
/// The experiment runs: the coordinator answers <see cref="QueryServers"/>. While the run holds: <paramref name="Cut"/>, a number new for each
/// hold and each action applied there (what the counters show changes only then), and <paramref name="HeldAt"/>, the time it holds at (an idle
/// partition's own clock stays at its last event); both null while it runs. <paramref name="Location"/> expires once any of this changes; until
/// then the answer holds, and a query need not ask again.
/// </summary>
internal sealed record LiveExperiment(IActorRef Coordinator, long? Cut, long? HeldAt, LocationToken Location);

/// <summary>
/// Stands for one answer to <see cref="LocateExperiment"/>: it expires when the experiment changes in a way that answer shows (started,
/// held, acted on where held, resumed, completed, written, failed, stopped). The registry expires it before it tells anyone of the change,
/// so a request that knows of the change finds it expired.
/// </summary>
internal sealed class LocationToken
{
    private volatile bool _expired;

    public bool Expired => _expired;

    public void Expire() => _expired = true;
}

/// <summary>
/// The experiment's run is over: its merged results (a ResultsCodec encoding) at its end time while they are being written; null once
/// written, then they are in <see cref="QueryCounters.FileOf"/>.
/// </summary>
internal sealed record FinishedExperiment(byte[]? Results, long SimulatedTime);
