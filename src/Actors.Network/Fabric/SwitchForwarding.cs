namespace DcSim.ActorsNetwork.Fabric;

/// <summary>Where a server hangs: its edge switch (dense index among edge switches) and that switch's port to it.</summary>
public readonly record struct ServerPlace(int Edge, int Port);

/// <summary>
/// How one switch picks a frame's output port: a frame for one of its own servers leaves by that server's port, anything
/// else along a shortest path to the destination's edge switch, chosen among equal-cost next hops by ECMP on the flow hash
/// (<see cref="FabricRoutes"/>). Contained by its <see cref="FabricSwitch"/> (a readonly field): on a large fabric a frame
/// reaches its port without a delegate and its closure, and its destination endpoint's edge and port come from one array
/// (not the endpoint's server, then the server's edge, then its port: three cache misses on 10,000 hosts, docs/benchmarks.md).
/// </summary>
/// <param name="places">Every server's place, shared by the fabric's switches.</param>
/// <param name="endpointPlaces">The place of every endpoint's server at the start, shared by the partition's switches.</param>
/// <param name="table">This switch's next-hop ports by destination edge switch.</param>
/// <param name="self">This switch's own edge index, or -1 when it has no server.</param>
/// <param name="switchLp">This switch's LP id: its ECMP hash's salt.</param>
public readonly struct SwitchForwarding(ServerPlace[] places, ServerPlace[] endpointPlaces, int[][] table, int self, int switchLp)
{
    /// <summary>The port towards endpoint <paramref name="endpoint"/> where it started.</summary>
    public int ToEndpoint(uint flowHash, int endpoint) => Port(flowHash, endpointPlaces[endpoint]);

    /// <summary>The port towards server <paramref name="server"/> (an endpoint that moved there).</summary>
    public int ToServer(uint flowHash, int server) => Port(flowHash, places[server]);

    private int Port(uint flowHash, ServerPlace place)
    {
        if (place.Edge == self) return place.Port;
        var hops = table[place.Edge];
        return hops.Length == 1 ? hops[0] : hops[EcmpHash.Select(flowHash, switchLp, hops.Length)];
    }
}
