using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// Builds the switches of a fabric (<see cref="FabricLayout"/>): their ports and links, and their forwarding — a switch
/// sends a packet for one of its own servers down that server's port and anything else along a shortest path to the
/// destination server's switch, choosing among equal-cost next hops by ECMP on the flow hash (<see cref="FabricRoutes"/>).
/// The scenario seed reaches the ports for the random streams of RED queues.
/// </summary>
public static class FabricBuilder
{
    /// <summary>Frames for a server arrive at its NIC, which every server has as component 0, on the NIC's wire port 0.</summary>
    public const ushort ServerNic = 0;
    public const int ServerNicWirePort = 0;

    /// <summary>The switch whose LP id is <paramref name="lp"/>.</summary>
    /// <param name="endpointPlaces">Where every endpoint's server hangs at the start (<see cref="FabricRoutes.PlacesOf"/>), shared by a partition's switches.</param>
    /// <param name="lpNames">The LPs' names, made once for the partition (a server's is also its LP's name).</param>
    /// <param name="profiles">The profiles of the partition's ports: a switch's ports of one kind of link share one.</param>
    public static FabricSwitch Switch(FabricLayout layout, ServerPlace[] endpointPlaces, IReadOnlyList<string> lpNames, PortProfiles profiles, int lp, ulong seed)
    {
        var graph = layout.Graph;
        var index = lp - graph.ServerCount;
        var routes = graph.Routes;
        var sw = new FabricSwitch(lp, lpNames[lp],
            new SwitchForwarding(routes.Places, endpointPlaces, routes.TableOf(index), routes.EdgeOf(index), lp));
        var ports = graph.PortsOf(index);
        for (var p = 0; p < ports.Count; p++)
        {
            var (peer, peerPort, link, queue) = ports[p];
            var server = graph.IsServer(peer);
            var profile = profiles.Of(link.Rate, link.DelayPs, queue.Limit, 0, FabricSwitch.TransmitDoneTimer, server ? ServerNic : (ushort)0, lpNames);
            sw.AddPort(profile, (peer, server ? ServerNicWirePort : peerPort), queue.Ecn, seed, queue.TracePs);
        }
        return sw;
    }
}
