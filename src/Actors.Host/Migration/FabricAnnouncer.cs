using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Components;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// A migrated VM's announcement (QEMU's self-announce: a gratuitous RARP from each of its MACs once it runs at the destination),
/// as control messages that reach every fabric switch, and the source server, when the broadcast would: a host link to the leaf,
/// a fabric link on to the spines, another to the other leaves, and a host link down to a server. Each switch learns the endpoints'
/// new server then (<see cref="FabricSwitch"/>); the source's switch learns the MACs behind its uplink.
/// </summary>
internal sealed class FabricAnnouncer(LeafSpineLayout layout)
{
    private long HostHop => OutputPort.MinimumLatency(layout.Topology.HostLink.Rate, layout.Topology.HostLink.DelayPs);
    private long FabricHop => OutputPort.MinimumLatency(layout.Topology.FabricLink.Rate, layout.Topology.FabricLink.DelayPs);

    /// <summary>Sends the announcement of <paramref name="endpoints"/> from <paramref name="server"/> (whose LP is <paramref name="from"/>) at its time now.</summary>
    public void Announce(ComponentLp from, int server, IEnumerable<int> endpoints, long now)
    {
        var leaf = layout.LeafOfHost(server);
        foreach (var endpoint in endpoints)
        {
            var moved = new Packet { SourceEndpoint = endpoint, DestinationEndpoint = server };
            for (var l = 0; l < layout.Topology.Leaves; l++)
                from.SendControl(layout.LeafLp(l), now + HostHop + (l == leaf ? 0 : 2 * FabricHop), 0, FabricSwitch.EndpointMoved, in moved);
            for (var s = 0; s < layout.Topology.Spines; s++)
                from.SendControl(layout.SpineLp(s), now + HostHop + FabricHop, 0, FabricSwitch.EndpointMoved, in moved);
        }
    }

    /// <summary>When the announcement from <paramref name="server"/> at <paramref name="now"/> reaches server <paramref name="other"/>.</summary>
    public long ReachesServer(int server, int other, long now) =>
        now + 2 * HostHop + (layout.LeafOfHost(server) == layout.LeafOfHost(other) ? 0 : 2 * FabricHop);
}
