using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace DcSim.Runner.Hosting;

/// <summary>
/// Places partition shards round-robin over the shard regions in address order, and never rebalances.
/// </summary>
/// <remarks>
/// Sharding's default strategy moves shards when a node joins; moving a partition mid-run would stop
/// its actor and lose its state (seen as a run that hangs). Partitions are placed once, when the
/// coordinator first asks for them, and stay there for the whole run.
/// </remarks>
internal sealed class PartitionAllocationStrategy(ActorSystem system) : IShardAllocationStrategy
{
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var regions = currentShardAllocations.Keys.OrderBy(AddressOf, StringComparer.Ordinal).ToList();
        if (regions.Count == 0 || !int.TryParse(shardId, out var index)) return Task.FromResult(requester);
        return Task.FromResult(regions[index % regions.Count]);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress) => Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);

    /// <summary>A region's node address; local regions have no host in their path, so use this node's.</summary>
    private string AddressOf(IActorRef region) => region.Path.Address.HasLocalScope
        ? Akka.Cluster.Cluster.Get(system).SelfAddress.ToString()
        : region.Path.Address.ToString();
}
