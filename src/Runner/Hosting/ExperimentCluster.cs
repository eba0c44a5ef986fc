using System.Diagnostics;

namespace DcSim.Runner.Hosting;

/// <summary>
/// The members a series of runs uses, started once: this process's node, and for an embedded cluster of several nodes its
/// `dcsim node` workers on 127.0.0.1 (see <see cref="Experiment"/>). `dcsim bench --nodes N --repeat R` runs its R runs on one
/// cluster, so that every repeat after the first finds every member's code compiled, as a one-process repeat does; a new cluster per
/// repeat measured a cold worker every time. Disposing it dismisses the workers when every run completed, and abandons the cluster
/// (kills them) otherwise.
/// </summary>
internal sealed class ExperimentCluster : IAsyncDisposable
{
    private readonly SimNode _node;
    private readonly RunCluster _cluster;
    private WorkerProcesses? _workers;
    private bool _failed = true;

    private ExperimentCluster(SimNode node, RunCluster cluster)
    {
        _node = node;
        _cluster = cluster;
    }

    public SimNode Node => _node;

    /// <summary>Reaches the coordinator wherever it runs; made once, since a proxy is a named actor.</summary>
    public Akka.Actor.IActorRef Coordinator => _coordinator ??= _node.CoordinatorProxy();

    private Akka.Actor.IActorRef? _coordinator;

    /// <summary>Wall time from the call to a cluster ready for its first run (membership and every member's partition region).</summary>
    public TimeSpan Startup { get; private set; }

    private bool Embedded => _cluster.Join is null;

    /// <summary>Starts the node (or takes <paramref name="localNode"/>, a one-process run's node already starting) and the workers.</summary>
    public static async Task<ExperimentCluster> StartAsync(RunCluster cluster, CancellationToken cancel, Task<SimNode>? localNode = null)
    {
        var setup = Stopwatch.StartNew();
        var embedded = cluster.Join is null;
        var node = !cluster.Local ? SimNode.Start("127.0.0.1", 0, embedded ? [] : [cluster.Join!], cluster.Log)
            : localNode is null ? SimNode.StartLocal(cluster.Log) : await localNode;
        StartTimeline.Mark("node");
        var started = new ExperimentCluster(node, cluster);
        try
        {
            if (embedded && node.Clustered) node.Cluster.Join(node.Cluster.SelfAddress);
            if (cluster.Nodes > 1 && embedded)
                started._workers = WorkerProcesses.Start(cluster.Nodes - 1, $"127.0.0.1:{node.Cluster.SelfAddress.Port}", cluster.Verbose);
            if (node.Clustered)
            {
                await node.WaitForMembersAsync(cluster.Nodes, TimeSpan.FromSeconds(90), cancel);
                await node.WaitForRegionsAsync(cluster.Nodes, TimeSpan.FromSeconds(30), cancel);
            }
            started.Startup = setup.Elapsed;
            started._failed = false;
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Names the worker process behind each cluster address in <paramref name="reason"/>, and marks the cluster failed: a run that failed
    /// (a member lost, most often) leaves it unfit for another, and its end kills the workers rather than wait for a graceful leave.
    /// </summary>
    public string Failed(string reason)
    {
        _failed = true;
        return _workers?.Name(reason) ?? reason;
    }

    /// <summary>An interrupted run leaves the cluster as <see cref="Failed"/> does.</summary>
    public void Interrupted() => _failed = true;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_failed && Embedded && _node.Clustered) await _node.DismissOtherMembersAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            // A failed or interrupted embedded cluster kills its workers below: nobody to leave.
            if (_failed && Embedded) _node.Abandon();
            _workers?.Dispose();
            await _node.DisposeAsync();
        }
    }
}
