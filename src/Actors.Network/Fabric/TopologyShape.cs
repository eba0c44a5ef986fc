using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A fabric's shape as read before its queues (the host count is needed to read VMs and generators, a queue's byte limit
/// needs the largest frame they send): see <see cref="ScenarioTopologyReader.ReadShape"/>.
/// </summary>
public sealed record TopologyShape(TopologyKind Kind, int Spines, int Leaves, int HostsPerLeaf, int K, ExplicitDraft? Explicit)
{
    public int HostCount => Kind switch
    {
        TopologyKind.FatTree => K * K * K / 4,
        TopologyKind.Explicit => Explicit!.Servers,
        _ => Leaves * HostsPerLeaf,
    };

    /// <summary>The rate a generator's rate = N% is a share of: topology.host-link's, or an explicit fabric's slowest server link's.</summary>
    public DataRate? LineRate(LinkSettings? hostLink) => Kind == TopologyKind.Explicit ? Explicit!.SlowestServerLink.Rate : hostLink?.Rate;

    /// <summary>The settings, with the queues read; null when an explicit link's queue does not read (reported).</summary>
    public TopologySettings? Complete(LinkSettings hostLink, LinkSettings fabricLink, QueueSettings hostQueue, QueueSettings switchQueue, int largestFrame)
    {
        var e = Explicit?.Complete(largestFrame);
        if (Explicit is not null && e is null) return null;
        return new TopologySettings(Spines, Leaves, HostsPerLeaf, hostLink, fabricLink, hostQueue, switchQueue) { Kind = Kind, K = K, Explicit = e };
    }
}
