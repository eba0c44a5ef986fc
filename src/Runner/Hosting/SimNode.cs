using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using DcSim.ActorsHost;
using DcSim.SimCore.Cluster;

namespace DcSim.Runner.Hosting;

/// <summary>
/// One DcSim cluster member: an ActorSystem on loopback (or a given host) with the partition shard
/// region, the window-coordinator singleton manager and the <see cref="SweepWorker"/> that runs sweep points. `dcsim run`,
/// `dcsim node` and `dcsim sweep --nodes/--join` all start one. A process with nothing to join starts a local one instead
/// (<see cref="StartLocal"/>).
/// </summary>
internal sealed class SimNode : IAsyncDisposable
{
    public const string PartitionRegionName = "partition";
    public const string CoordinatorName = "window-coordinator";
    /// <summary>Shards = 10 × the largest expected node count (akka.net sharding guidance); a partition index maps to its own shard.</summary>
    public const int ShardCount = 100;

    private readonly IActorRef? _coordinator;

    private SimNode(ActorSystem system, IActorRef region, IActorRef? coordinator = null)
    {
        System = system;
        PartitionRegion = region;
        _coordinator = coordinator;
    }

    public ActorSystem System { get; }
    public IActorRef PartitionRegion { get; }
    /// <summary>False for a local node (<see cref="StartLocal"/>), which has no cluster.</summary>
    public bool Clustered => _coordinator is null;
    public Akka.Cluster.Cluster Cluster => Clustered ? Akka.Cluster.Cluster.Get(System) : throw new InvalidOperationException("a local node has no cluster");

    /// <param name="journal">
    /// The Akka.Persistence store of the cluster (<see cref="Persistence.JournalConfig.Build"/>), shared by its members
    /// (`dcsim node --journal`), or null: persistent actors on this member write there.
    /// </param>
    public static SimNode Start(string hostname, int port, IReadOnlyList<string> seedNodes, AkkaLog log, Akka.Configuration.Config? journal = null)
    {
        AkkaDurationRegex.UseInterpreted();
        var config = ClusterConfig.Create(hostname, port, seedNodes, log).WithFallback(SweepSerializer.Binding);
        var system = ActorSystem.Create("dcsim", journal is null ? config : config.WithFallback(journal));
        var region = ClusterSharding.Get(system).Start(
            PartitionRegionName,
            PartitionActor.Props(FabricModel.Instance),
            ClusterShardingSettings.Create(system),
            new PartitionMessageExtractor(),
            new PartitionAllocationStrategy(system),
            PoisonPill.Instance);
        system.ActorOf(ClusterSingletonManager.Props(
            WindowCoordinator.Props(region, FabricModel.Instance), PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system)), CoordinatorName);
        system.ActorOf(SweepWorker.Props(), SweepWorker.Name);
        return new SimNode(system, region);
    }

    /// <summary>
    /// A node alone in its process, with nothing to join (`dcsim run` on one node, `dcsim shell`): the same coordinator and partitions
    /// as plain local actors, the partitions made by a <see cref="LocalPartitionRegion"/>, so that nothing forms a cluster of one over
    /// TCP (~1 s) before the run starts. A cluster member's partitions are local actors too and its messages to them are not
    /// serialized, so a run's results are the same.
    /// </summary>
    public static SimNode StartLocal(AkkaLog log)
    {
        AkkaDurationRegex.UseInterpreted();
        var system = ActorSystem.Create("dcsim", ClusterConfig.Local(log));
        var region = system.ActorOf(LocalPartitionRegion.Props(PartitionActor.Props(FabricModel.Instance), new PartitionMessageExtractor()), PartitionRegionName);
        var coordinator = system.ActorOf(WindowCoordinator.Props(region, FabricModel.Instance), CoordinatorName);
        return new SimNode(system, region, coordinator);
    }

    /// <summary>
    /// Completes when the sharding coordinator knows a partition region on <paramref name="members"/> nodes,
    /// so that partitions are spread over all of them rather than placed on the first to register.
    /// </summary>
    public async Task WaitForRegionsAsync(int members, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var regions = await PartitionRegion.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5), cancel);
            if (regions.Regions.Count >= members) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"only {regions.Regions.Count} of {members} nodes registered a partition region within {timeout.TotalSeconds:0} s");
            await Task.Delay(50, cancel);
        }
    }

    /// <summary>A proxy that always reaches the coordinator, on whichever node it runs (a local node's coordinator itself).</summary>
    public IActorRef CoordinatorProxy() => _coordinator ?? System.ActorOf(ClusterSingletonProxy.Props(
        $"/user/{CoordinatorName}", ClusterSingletonProxySettings.Create(System)), "coordinator-proxy");

    /// <summary>Completes when <paramref name="members"/> members are Up, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForMembersAsync(int members, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < members)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"only {Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up)} of {members} cluster members came up within {timeout.TotalSeconds:0} s");
            await Task.Delay(50, cancel);
        }
    }

    /// <summary>Asks every other member to leave, and waits until they are gone (workers then exit by themselves).</summary>
    public async Task DismissOtherMembersAsync(TimeSpan timeout)
    {
        var self = Cluster.SelfAddress;
        foreach (var m in Cluster.State.Members.Where(m => m.Address != self)) Cluster.Leave(m.Address);
        var deadline = DateTime.UtcNow + timeout;
        while (Cluster.State.Members.Any(m => m.Address != self) && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    private bool _abandoned;

    /// <summary>
    /// Shut down without leaving the cluster, for a cluster whose other members are gone or being killed: a
    /// graceful leave would wait ~10 s on sharding and on a membership that can no longer converge, and even
    /// the cluster-shutdown phase waits 5 s for them.
    /// </summary>
    public void Abandon() => _abandoned = true;

    public async ValueTask DisposeAsync()
    {
        var shutdown = CoordinatedShutdown.Get(System);
        await (_abandoned
            ? shutdown.Run(CoordinatedShutdown.ClrExitReason.Instance, CoordinatedShutdown.PhaseBeforeActorSystemTerminate)
            : shutdown.Run(CoordinatedShutdown.ClrExitReason.Instance));
    }

    /// <summary>Entity id = partition index; shard id = index modulo the shard count, so partitions spread over nodes.</summary>
    internal sealed class PartitionMessageExtractor : HashCodeMessageExtractor
    {
        public PartitionMessageExtractor() : base(ShardCount) { }

        public override string? EntityId(object message) => message switch
        {
            WindowProtocol.InitPartition init => WindowCoordinator.PartitionEntityId(init.Index),
            WindowProtocol.AbandonRun abandon => WindowCoordinator.PartitionEntityId(abandon.Index),
            _ => null,
        };

        public override string ShardId(string entityId, object? messageHint = null) =>
            (int.Parse(entityId, CultureInfo.InvariantCulture) % ShardCount).ToString(CultureInfo.InvariantCulture);
    }
}
