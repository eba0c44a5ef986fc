namespace DcSim.Runner.Service;

/// <summary>
/// Let the experiment's run go on and hold it at simulated time <paramref name="Until"/>, or <paramref name="For"/> after where it is (held,
/// else how far it has got). Answered with the experiment's <see cref="ExperimentView"/> once it holds there (or its run is over), or
/// <see cref="ExperimentRefused"/> / <see cref="ExperimentNotFound"/>.
/// </summary>
internal sealed record RunExperimentUntil(string Id, long? Until, long? For);

/// <summary>
/// Apply a shell action (ping, iperf, migrate) to the experiment's run where it holds. Answered with the coordinator's
/// <see cref="SimCore.Cluster.WindowProtocol.DirectiveApplied"/>, or <see cref="ExperimentRefused"/> (not held) / <see cref="ExperimentNotFound"/>.
/// </summary>
internal sealed record ApplyExperimentAction(string Id, string Verb, string[] Arguments);
