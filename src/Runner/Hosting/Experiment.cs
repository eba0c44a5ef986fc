using Akka.Actor;
using System.Diagnostics;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// What a finished run produced, plus how long it took (wall time never enters the results): cluster
/// start-up, building the partitions, and the windows themselves (first grant to last report).
/// </summary>
internal sealed record ExperimentOutcome(ResultsBuilder Results, ExperimentCompleted Completion, TimeSpan ClusterStartup)
{
    public TimeSpan Build => TimeSpan.FromMicroseconds(Completion.BuildMicroseconds);
    public TimeSpan Run => TimeSpan.FromMicroseconds(Completion.RunMicroseconds);
}

/// <summary>
/// Runs one scenario on a cluster of <c>nodes</c> members. Without <c>join</c> the cluster is embedded:
/// this process is the first member and starts <c>nodes - 1</c> `dcsim node` workers on 127.0.0.1,
/// which leave when the run is over. With <c>join</c> (HOST:PORT of a running `dcsim node`) this
/// process joins that cluster, waits for <c>nodes</c> members in all, and leaves the others running.
/// </summary>
internal static class Experiment
{
    public static async Task<ExperimentOutcome> RunAsync(ScenarioSettings scenario, string baseDirectory, int nodes, int partitions,
        Action<RunProgress> progress, CancellationToken cancel, string? join = null, string? httpUrl = null)
    {
        var setup = Stopwatch.StartNew();
        await using var node = SimNode.Start("127.0.0.1", 0, join is null ? [] : [join]);
        if (join is null) node.Cluster.Join(node.Cluster.SelfAddress);
        using var workers = nodes > 1 && join is null
            ? WorkerProcesses.Start(nodes - 1, $"127.0.0.1:{node.Cluster.SelfAddress.Port}")
            : null;
        await node.WaitForMembersAsync(nodes, TimeSpan.FromSeconds(90), cancel);
        await node.WaitForRegionsAsync(nodes, TimeSpan.FromSeconds(30), cancel);
        var coordinator = node.CoordinatorProxy();
        await using var endpoint = httpUrl is null ? null : await QueryEndpoint.StartAsync(httpUrl, coordinator);
        setup.Stop();

        var run = Submit(node.System, coordinator, new StartExperiment(scenario.ResolvedHocon, baseDirectory, partitions), progress);
        var finished = await run.WaitAsync(cancel);
        if (join is null) await node.DismissOtherMembersAsync(TimeSpan.FromSeconds(10));
        return finished switch
        {
            ExperimentCompleted c => new ExperimentOutcome(ResultsCodec.Decode(c.Results), c, setup.Elapsed),
            ExperimentFailed f => throw new ExperimentFailedException(f.Reason),
            _ => throw new InvalidOperationException($"unexpected reply {finished.GetType().Name}"),
        };
    }

    private static Task<IDcSimMessage> Submit(ActorSystem system, IActorRef coordinator, StartExperiment start, Action<RunProgress> progress)
    {
        var outcome = new TaskCompletionSource<IDcSimMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new ExperimentClient(coordinator, start, outcome, progress)), "experiment-client");
        return outcome.Task;
    }
}

internal sealed class ExperimentFailedException(string reason) : Exception(reason);
