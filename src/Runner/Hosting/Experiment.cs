using Akka.Actor;
using DcSim.SimCore.Cluster;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using static DcSim.SimCore.Cluster.WindowProtocol;

namespace DcSim.Runner.Hosting;

/// <summary>
/// What a finished run produced, plus how long it took (wall time never enters the results): cluster
/// start-up (or a local node's, when <see cref="Clustered"/> is false), building the partitions, and the windows themselves (first
/// grant to last report).
/// </summary>
internal sealed record ExperimentOutcome(ResultsBuilder Results, ExperimentCompleted Completion, TimeSpan ClusterStartup, bool Clustered)
{
    public TimeSpan Build => TimeSpan.FromMicroseconds(Completion.BuildMicroseconds);
    public TimeSpan Run => TimeSpan.FromMicroseconds(Completion.RunMicroseconds);
}

/// <summary>
/// The cluster a run uses: <see cref="Nodes"/> members in all; <see cref="Join"/> (HOST:PORT of a running
/// `dcsim node`) or null for an embedded cluster; where each process's Akka log goes.
/// </summary>
internal sealed record RunCluster(int Nodes, string? Join, AkkaLog Log, bool Verbose = false)
{
    /// <summary>One node and nothing to join: no cluster at all (<see cref="SimNode.StartLocal"/>).</summary>
    public bool Local => Nodes == 1 && Join is null;
}

/// <summary>
/// Runs one scenario on a cluster. Without <see cref="RunCluster.Join"/> the cluster is embedded: this
/// process is the first member and starts <c>Nodes - 1</c> `dcsim node` workers on 127.0.0.1, which leave
/// when the run is over and are killed when it fails; with one node there is no cluster (<see cref="RunCluster.Local"/>). With a
/// join address this process joins that cluster, waits for <c>Nodes</c> members in all, and leaves the others running. A failed run calls
/// <c>failed</c> with the reason at once, then throws <see cref="ExperimentFailedException"/> once this
/// member is shut down. A run with a journal passes the task that records its definition as <c>ready</c>: the experiment is
/// submitted at once and simulates while that is written, but nothing leaves the process before it is durable: the query
/// endpoint serves nothing and no outcome is returned (so no result file is written) until then, and if it fails the run
/// fails and stops. The caller holds back the checkpoints (<see cref="Persistence.OpeningJournal"/>). A one-process run may pass
/// its node already starting (<see cref="LocalNodeStart"/>).
/// </summary>
internal static class Experiment
{
    public static async Task<ExperimentOutcome> RunAsync(ScenarioSettings scenario, string baseDirectory, int partitions, RunCluster cluster,
        Action<RunProgress> progress, CancellationToken cancel, QueryEndpoint? endpoint = null, Action<string>? failed = null, Task? ready = null,
        RecoveryPoint? from = null, Action<CheckpointTaken>? checkpointed = null, Action<CheckpointFailed>? checkpointFailed = null,
        Task<SimNode>? localNode = null, TaskCompletionSource? placed = null)
    {
        await using var members = await ExperimentCluster.StartAsync(cluster, cancel, localNode);
        return await RunOnAsync(members, scenario, baseDirectory, partitions, progress, cancel, endpoint, failed, ready, from, checkpointed,
            checkpointFailed, placed);
    }

    /// <summary>Runs one scenario on <paramref name="members"/>, started already (a series of runs shares them).</summary>
    public static async Task<ExperimentOutcome> RunOnAsync(ExperimentCluster members, ScenarioSettings scenario, string baseDirectory, int partitions,
        Action<RunProgress> progress, CancellationToken cancel, QueryEndpoint? endpoint = null, Action<string>? failed = null, Task? ready = null,
        RecoveryPoint? from = null, Action<CheckpointTaken>? checkpointed = null, Action<CheckpointFailed>? checkpointFailed = null,
        TaskCompletionSource? placed = null)
    {
        var completed = false;
        try
        {
            var coordinator = members.Coordinator;
            // An interrupted run kills its workers (Ctrl-C on a terminal signals them too): no restart notice for that.
            var run = Submit(members.Node.System, coordinator, new StartExperiment(scenario.ResolvedHocon, baseDirectory, partitions, from),
                p => { if (!cancel.IsCancellationRequested) progress(p); }, checkpointed, checkpointFailed, placed);
            // A journal that cannot record the run fails it here; leaving this block then stops the run where it is.
            if (ready is not null) await Ready(ready, failed, cancel);
            endpoint?.Serve(coordinator);
            var finished = await run.WaitAsync(cancel);
            completed = finished is ExperimentCompleted;
            var reason = finished is ExperimentFailed f ? members.Failed(f.Reason) : null;
            // Said before leaving the cluster, which takes seconds more when a member is gone.
            if (reason is not null) failed?.Invoke(reason);
            return finished switch
            {
                ExperimentCompleted c => new ExperimentOutcome(ResultsCodec.Decode(c.Results), c, members.Startup, members.Node.Clustered),
                ExperimentFailed => throw new ExperimentFailedException(reason!),
                _ => throw new InvalidOperationException($"unexpected reply {finished.GetType().Name}"),
            };
        }
        finally
        {
            if (!completed) members.Interrupted();
        }
    }

    /// <summary>Waits for <paramref name="ready"/>; its failure fails the run (said at once, like a lost member).</summary>
    private static async Task Ready(Task ready, Action<string>? failed, CancellationToken cancel)
    {
        try
        {
            await ready.WaitAsync(cancel);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var reason = $"the journal could not record the run: {ex.Message}";
            failed?.Invoke(reason);
            throw new ExperimentFailedException(reason);
        }
    }

    private static int _clients;

    private static Task<IDcSimMessage> Submit(ActorSystem system, IActorRef coordinator, StartExperiment start, Action<RunProgress> progress,
        Action<CheckpointTaken>? checkpointed, Action<CheckpointFailed>? checkpointFailed, TaskCompletionSource? placed)
    {
        var outcome = new TaskCompletionSource<IDcSimMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Named by a count: a series of runs on one cluster makes one client each.
        system.ActorOf(ExperimentClient.Props(coordinator, start, outcome, progress, checkpointed, checkpointFailed, placed),
            $"experiment-client-{Interlocked.Increment(ref _clients)}");
        return outcome.Task;
    }
}

internal sealed class ExperimentFailedException(string reason) : Exception(reason);
