using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Components;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// A migrated VM's announcement (QEMU's self-announce: a gratuitous RARP from each of its MACs once it runs at the destination),
/// as control messages that reach every fabric switch, and the source server, when the broadcast would: the server's link to its
/// switch, then the flood's fastest way through the fabric (<see cref="FabricRoutes.FloodTimes"/>: on a leaf-spine fabric a fabric
/// link to the spines and another to the other leaves), and a server link down to a server. Each switch learns the endpoints'
/// new server then (<see cref="FabricSwitch"/>); the source's switch learns the MACs behind its uplink.
/// </summary>
internal sealed class FabricAnnouncer(FabricGraph graph)
{
    /// <summary>Flood times from each switch a server announced from, computed when first needed.</summary>
    private readonly Dictionary<int, long[]> _floods = [];

    private long[] FloodFrom(int sw) => _floods.TryGetValue(sw, out var times) ? times : _floods[sw] = graph.Routes.FloodTimes(sw);

    private long ServerHop(int server) => graph.LinkOf(server).MinimumLatency;

    /// <summary>Sends the announcement of <paramref name="endpoints"/> from <paramref name="server"/> (whose LP is <paramref name="from"/>) at its time now.</summary>
    public void Announce(ComponentLp from, int server, IEnumerable<int> endpoints, long now)
    {
        var flood = FloodFrom(graph.SwitchOf(server));
        var start = now + ServerHop(server);
        foreach (var endpoint in endpoints)
        {
            var moved = new Packet { SourceEndpoint = endpoint, DestinationEndpoint = server };
            for (var sw = 0; sw < graph.SwitchCount; sw++)
                from.SendControl(graph.SwitchLp(sw), start + flood[sw], 0, FabricSwitch.EndpointMoved, in moved);
        }
    }

    /// <summary>When the announcement from <paramref name="server"/> at <paramref name="now"/> reaches server <paramref name="other"/>.</summary>
    public long ReachesServer(int server, int other, long now) =>
        now + ServerHop(server) + FloodFrom(graph.SwitchOf(server))[graph.SwitchOf(other)] + ServerHop(other);
}
