using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>The shape of a fabric (scenario key topology.kind).</summary>
public enum TopologyKind { LeafSpine, FatTree, Explicit }

/// <summary>
/// A fabric: its shape, its links and its output queues (scenario key topology). The positional members describe the
/// default two-tier leaf-spine (Clos) fabric; <see cref="Kind"/> picks another shape: a k-ary fat-tree (<see cref="K"/>,
/// with <see cref="HostLink"/> and <see cref="FabricLink"/>) or an explicit graph (<see cref="Explicit"/>, whose links carry
/// their own rates and delays). <see cref="FabricGraph.Of"/> turns any of them into switches, ports and routes.
/// </summary>
public sealed record TopologySettings(
    int Spines,
    int Leaves,
    int HostsPerLeaf,
    LinkSettings HostLink,
    LinkSettings FabricLink,
    QueueSettings HostQueue,
    QueueSettings SwitchQueue)
{
    public TopologyKind Kind { get; init; } = TopologyKind.LeafSpine;

    /// <summary>A fat-tree's k (even, at least 2); 0 for the other kinds.</summary>
    public int K { get; init; }

    /// <summary>An explicit graph's switches, servers and links; null for the other kinds.</summary>
    public ExplicitTopology? Explicit { get; init; }

    public int HostCount => Kind switch
    {
        TopologyKind.FatTree => K * K * K / 4,
        TopologyKind.Explicit => Explicit!.Servers,
        _ => Leaves * HostsPerLeaf,
    };

    /// <summary>The fabric in a few words: "32 hosts, 4 leaves, 2 spines", "16 hosts, k = 4 fat-tree (20 switches)", "6 hosts, explicit: 4 switches, 10 links".</summary>
    public string Describe() => Kind switch
    {
        TopologyKind.FatTree => $"{HostCount} hosts, k = {K} fat-tree ({5 * K * K / 4} switches)",
        TopologyKind.Explicit => $"{HostCount} hosts, explicit: {Explicit!.Switches.Count} switches, {Explicit.Links.Count} links",
        _ => $"{HostCount} hosts, {Leaves} leaves, {Spines} spines",
    };
}

public sealed record LinkSettings(DataRate Rate, long DelayPs)
{
    /// <summary>The smallest time a frame takes over the link: a minimum frame's serialization plus propagation.</summary>
    public long MinimumLatency => OutputPort.MinimumLatency(Rate, DelayPs);
}
