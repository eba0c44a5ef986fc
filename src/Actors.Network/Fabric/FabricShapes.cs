namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// The shapes a scenario's topology.kind names, each as a <see cref="FabricGraph"/> whose switch order (LP ids) and
/// link order (port numbers) are fixed by the shape alone.
/// </summary>
internal static class FabricShapes
{
    public static FabricGraph Build(TopologySettings t) => t.Kind switch
    {
        TopologyKind.FatTree => FatTree(t),
        TopologyKind.Explicit => Explicit(t),
        _ => LeafSpine(t),
    };

    /// <summary>
    /// Leaves leaf0.., then spines spine0..; server h on leaf h / hostsPerLeaf at its port h % hostsPerLeaf; leaf l reaches
    /// spine s through its port hostsPerLeaf + s, which is spine s's port l.
    /// </summary>
    private static FabricGraph LeafSpine(TopologySettings t)
    {
        var g = new FabricGraph(t.HostCount, t.SwitchQueue);
        for (var l = 0; l < t.Leaves; l++) g.AddSwitch($"leaf{l}");
        for (var s = 0; s < t.Spines; s++) g.AddSwitch($"spine{s}");
        for (var h = 0; h < t.HostCount; h++) g.Attach(h, h / t.HostsPerLeaf, t.HostLink);
        for (var l = 0; l < t.Leaves; l++)
        for (var s = 0; s < t.Spines; s++)
            g.Connect(l, t.Leaves + s, t.FabricLink);
        return g;
    }

    /// <summary>
    /// The k-ary fat-tree of Al-Fares, Loukissas and Vahdat (SIGCOMM 2008, §3): k pods of k/2 edge and k/2 aggregation
    /// switches, every edge switch linked to every aggregation switch of its pod and to k/2 servers, and (k/2)^2 core
    /// switches, aggregation switch a of every pod linked to cores a·k/2 .. a·k/2 + k/2 - 1. Switches: edge{pod}-{i} (pod by
    /// pod), then agg{pod}-{i}, then core{j}; server h on edge switch h / (k/2) at its port h % (k/2). Ports: an edge
    /// switch's servers, then its pod's aggregation switches; an aggregation switch's edge switches, then its cores; a
    /// core's aggregation switches pod by pod.
    /// </summary>
    private static FabricGraph FatTree(TopologySettings t)
    {
        var half = t.K / 2;
        var g = new FabricGraph(t.HostCount, t.SwitchQueue);
        for (var p = 0; p < t.K; p++)
        for (var i = 0; i < half; i++) g.AddSwitch($"edge{p}-{i}");
        for (var p = 0; p < t.K; p++)
        for (var i = 0; i < half; i++) g.AddSwitch($"agg{p}-{i}");
        for (var j = 0; j < half * half; j++) g.AddSwitch($"core{j}");
        var edges = t.K * half;
        for (var h = 0; h < t.HostCount; h++) g.Attach(h, h / half, t.HostLink);
        for (var p = 0; p < t.K; p++)
        for (var e = 0; e < half; e++)
        for (var a = 0; a < half; a++)
            g.Connect(p * half + e, edges + p * half + a, t.FabricLink);
        for (var p = 0; p < t.K; p++)
        for (var a = 0; a < half; a++)
        for (var c = 0; c < half; c++)
            g.Connect(edges + p * half + a, 2 * edges + a * half + c, t.FabricLink);
        return g;
    }

    /// <summary>Switches in list order; links in list order, each a port on both ends (a server's is its only one).</summary>
    private static FabricGraph Explicit(TopologySettings t)
    {
        var e = t.Explicit!;
        var g = new FabricGraph(e.Servers, t.SwitchQueue);
        var switches = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in e.Switches) switches[name] = g.AddSwitch(name);
        foreach (var link in e.Links)
        {
            if (ExplicitNames.TryServer(link.A, e.Servers, out var server)) g.Attach(server, switches[link.B], link.Link, link.Queue);
            else if (ExplicitNames.TryServer(link.B, e.Servers, out server)) g.Attach(server, switches[link.A], link.Link, link.Queue);
            else g.Connect(switches[link.A], switches[link.B], link.Link, link.Queue);
        }
        return g;
    }
}
