using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// Shortest-path forwarding for any <see cref="FabricGraph"/>, computed once: paths are shortest in hops (switch to
/// switch), and a switch spreads flows by ECMP over every port that starts a shortest path, in port order. Tables are
/// kept per switch and destination edge switch (a switch with servers), not per server: a breadth-first search from
/// each edge switch gives every switch's distance to it, and a switch's next hops are its ports to neighbours one hop
/// closer. Identical next-hop sets of a switch share one array (a leaf's way to every other leaf is "any spine"), so a
/// leaf-spine fabric of L leaves and S spines costs L·(L+S) references. A frame for a server of the switch itself leaves
/// by that server's port.
/// </summary>
public sealed class FabricRoutes
{
    private readonly FabricGraph _graph;
    private readonly int[] _edgeOfSwitch;
    private readonly int[][][] _nextHops;

    internal FabricRoutes(FabricGraph graph)
    {
        _graph = graph;
        var switches = graph.SwitchCount;
        _edgeOfSwitch = Enumerable.Repeat(-1, switches).ToArray();
        var edges = new List<int>();
        for (var server = 0; server < graph.ServerCount; server++)
        {
            var sw = graph.SwitchOf(server);
            if (_edgeOfSwitch[sw] < 0) { _edgeOfSwitch[sw] = edges.Count; edges.Add(sw); }
        }
        Places = new ServerPlace[graph.ServerCount];
        for (var server = 0; server < graph.ServerCount; server++) Places[server] = new(_edgeOfSwitch[graph.SwitchOf(server)], graph.PortOf(server));
        _nextHops = new int[switches][][];
        var shared = new Dictionary<int[], int[]>[switches];
        for (var sw = 0; sw < switches; sw++) { _nextHops[sw] = new int[edges.Count][]; shared[sw] = new(HopSetComparer.Instance); }
        var distance = new int[switches];
        var queue = new Queue<int>();
        var hops = new List<int>();
        for (var e = 0; e < edges.Count; e++)
        {
            Array.Fill(distance, int.MaxValue);
            distance[edges[e]] = 0;
            queue.Enqueue(edges[e]);
            while (queue.TryDequeue(out var sw))
                foreach (var port in graph.PortsOf(sw))
                    if (!graph.IsServer(port.PeerLp) && distance[port.PeerLp - graph.ServerCount] == int.MaxValue)
                    {
                        distance[port.PeerLp - graph.ServerCount] = distance[sw] + 1;
                        queue.Enqueue(port.PeerLp - graph.ServerCount);
                    }
            for (var sw = 0; sw < switches; sw++)
            {
                if (sw == edges[e] || distance[sw] == int.MaxValue) { _nextHops[sw][e] = []; continue; }
                hops.Clear();
                var ports = graph.PortsOf(sw);
                for (var p = 0; p < ports.Count; p++)
                    if (!graph.IsServer(ports[p].PeerLp) && distance[ports[p].PeerLp - graph.ServerCount] == distance[sw] - 1) hops.Add(p);
                var set = hops.ToArray();
                _nextHops[sw][e] = shared[sw].TryGetValue(set, out var same) ? same : shared[sw][set] = set;
            }
        }
    }

    /// <summary>Every server's edge switch (dense index) and port there.</summary>
    public ServerPlace[] Places { get; }

    /// <summary>
    /// The place of the server of every endpoint in <paramref name="locations"/>: made once per partition and shared by its switches
    /// (by endpoint, one array instead of the endpoint's server, then its edge, then its port).
    /// </summary>
    public ServerPlace[] PlacesOf(LocationTable locations)
    {
        var places = new ServerPlace[locations.Endpoints];
        for (var endpoint = 0; endpoint < places.Length; endpoint++) places[endpoint] = Places[locations.ServerOf(endpoint)];
        return places;
    }

    /// <summary>The dense index of switch <paramref name="sw"/> among edge switches, or -1 when it has no server.</summary>
    public int EdgeOf(int sw) => _edgeOfSwitch[sw];

    /// <summary>Switch <paramref name="sw"/>'s next-hop ports by destination edge switch (empty for itself and for one it cannot reach).</summary>
    public int[][] TableOf(int sw) => _nextHops[sw];

    /// <summary>
    /// The links a frame from server <paramref name="from"/> to server <paramref name="to"/> crosses on the first of its
    /// equal-cost paths (the lowest port at every switch); none for the same server.
    /// </summary>
    public IReadOnlyList<LinkSettings> FirstPath(int from, int to)
    {
        if (from == to) return [];
        var links = new List<LinkSettings> { _graph.LinkOf(from) };
        var sw = _graph.SwitchOf(from);
        var target = Places[to].Edge;
        while (_edgeOfSwitch[sw] != target)
        {
            var port = _graph.PortsOf(sw)[_nextHops[sw][target][0]];
            links.Add(port.Link);
            sw = port.PeerLp - _graph.ServerCount;
        }
        links.Add(_graph.LinkOf(to));
        return links;
    }

    /// <summary>
    /// The earliest time after leaving switch <paramref name="from"/> that a flood (a broadcast) reaches every switch:
    /// the smallest sum of link latencies (<see cref="LinkSettings.MinimumLatency"/>) over any path (Dijkstra).
    /// </summary>
    public long[] FloodTimes(int from)
    {
        var time = Enumerable.Repeat(long.MaxValue, _graph.SwitchCount).ToArray();
        var queue = new PriorityQueue<int, long>();
        time[from] = 0;
        queue.Enqueue(from, 0);
        while (queue.TryDequeue(out var sw, out var at))
        {
            if (at > time[sw]) continue;
            foreach (var port in _graph.PortsOf(sw))
            {
                if (_graph.IsServer(port.PeerLp)) continue;
                var next = port.PeerLp - _graph.ServerCount;
                var arrival = at + port.Link.MinimumLatency;
                if (arrival < time[next]) { time[next] = arrival; queue.Enqueue(next, arrival); }
            }
        }
        return time;
    }

    private sealed class HopSetComparer : IEqualityComparer<int[]>
    {
        public static readonly HopSetComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] set)
        {
            var hash = new HashCode();
            foreach (var p in set) hash.Add(p);
            return hash.ToHashCode();
        }
    }
}
