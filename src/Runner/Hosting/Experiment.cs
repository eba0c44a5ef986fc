using Akka.Actor;
using System.Diagnostics;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>What a finished run produced, plus how long it took (wall time never enters the results).</summary>
internal sealed record ExperimentOutcome(ResultsBuilder Results, ExperimentCompleted Completion, TimeSpan Wall, TimeSpan Setup);

/// <summary>
/// Runs one scenario on an embedded cluster: this process as the first member plus
/// <c>nodes - 1</c> `dcsim node` worker processes on 127.0.0.1.
/// </summary>
internal static class Experiment
{
    public static async Task<ExperimentOutcome> RunAsync(ScenarioSettings scenario, string baseDirectory, int nodes, int partitions,
        Action<RunProgress> progress, CancellationToken cancel)
    {
        var setup = Stopwatch.StartNew();
        await using var node = SimNode.Start("127.0.0.1", 0, []);
        node.Cluster.Join(node.Cluster.SelfAddress);
        using var workers = nodes > 1
            ? WorkerProcesses.Start(nodes - 1, $"127.0.0.1:{node.Cluster.SelfAddress.Port}")
            : null;
        await node.WaitForMembersAsync(nodes, TimeSpan.FromSeconds(90), cancel);
        var coordinator = node.CoordinatorProxy();
        setup.Stop();

        var wall = Stopwatch.StartNew();
        var run = Submit(node.System, coordinator, new StartExperiment(scenario.ResolvedHocon, baseDirectory, partitions), progress);
        var finished = await run.WaitAsync(cancel);
        wall.Stop();
        await node.DismissOtherMembersAsync(TimeSpan.FromSeconds(10));
        return finished switch
        {
            ExperimentCompleted c => new ExperimentOutcome(ResultsCodec.Decode(c.Results), c, wall.Elapsed, setup.Elapsed),
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
