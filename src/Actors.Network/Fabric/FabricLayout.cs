using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A fabric's LPs (<see cref="FabricGraph"/>: servers, then switches) split into partitions.
/// </summary>
/// <remarks>
/// An edge switch (one with servers) and its servers always share a partition (a rack is the natural unit: server links
/// then never cross partitions); racks are dealt round-robin in switch order, and the other switches round-robin on their
/// own. On a leaf-spine fabric that is leaf l and its hosts to partition l mod P and spine s to s mod P.
/// </remarks>
public sealed class FabricLayout : IPartitionLayout
{
    public FabricLayout(TopologySettings topology, int partitions) : this(FabricGraph.Of(topology), partitions) { }

    public FabricLayout(FabricGraph graph, int partitions)
    {
        Graph = graph;
        Partitions = Math.Max(1, partitions);
        PartitionOfLp = new int[graph.LpCount];
        var hasServers = HasServers(graph);
        var (racks, others) = (0, 0);
        for (var sw = 0; sw < graph.SwitchCount; sw++)
            PartitionOfLp[graph.SwitchLp(sw)] = (hasServers[sw] ? racks++ : others++) % Partitions;
        for (var server = 0; server < graph.ServerCount; server++)
            PartitionOfLp[server] = PartitionOfLp[graph.SwitchLp(graph.SwitchOf(server))];
    }

    /// <summary>
    /// The partitions a run of <paramref name="kernel"/> on <paramref name="topology"/> gets on <paramref name="members"/> cluster members,
    /// "auto" resolved from this machine's cores and the fabric's hosts and racks (<see cref="KernelSettings.PartitionsFor"/>).
    /// </summary>
    public static int PartitionsFor(KernelSettings kernel, TopologySettings topology, int members)
    {
        if (kernel.Partitions > 0) return kernel.Partitions;
        var graph = FabricGraph.Of(topology);
        return kernel.PartitionsFor(members, Environment.ProcessorCount, graph.ServerCount, RackCount(graph));
    }

    /// <summary>The switches with servers: the units a fabric is split in.</summary>
    /// <remarks>Loops, not LINQ over ints (Range, Select, Distinct): generic code over a value type that ReadyToRun leaves to the JIT.</remarks>
    public static int RackCount(FabricGraph graph)
    {
        var racks = 0;
        foreach (var rack in HasServers(graph))
            if (rack) racks++;
        return racks;
    }

    /// <summary>By switch: whether servers hang from it.</summary>
    private static bool[] HasServers(FabricGraph graph)
    {
        var hasServers = new bool[graph.SwitchCount];
        for (var server = 0; server < graph.ServerCount; server++) hasServers[graph.SwitchOf(server)] = true;
        return hasServers;
    }

    public FabricGraph Graph { get; }
    public int Partitions { get; }
    public int HostCount => Graph.ServerCount;
    public int LpCount => Graph.LpCount;
    public int[] PartitionOfLp { get; }

    public bool IsHost(int lp) => Graph.IsServer(lp);
    public string NameOf(int lp) => Graph.NameOf(lp);

    /// <summary>The smallest latency of any link whose ends are in different partitions; <see cref="long.MaxValue"/> when none is.</summary>
    public long Lookahead() => PairLookahead.Min(LinkLatencies());

    /// <summary>
    /// The conservative lookahead between each pair of partitions: by [from][to], the smallest latency (minimum-frame serialization +
    /// propagation) of any link from a switch of <c>from</c> to an LP of <c>to</c>; <see cref="long.MaxValue"/> when none is. Server
    /// links never cross (a rack shares its partition), so switch ports are every crossing.
    /// </summary>
    public long[][] LinkLatencies()
    {
        var latency = new long[Partitions][];
        for (var p = 0; p < Partitions; p++)
        {
            latency[p] = new long[Partitions];
            for (var to = 0; to < Partitions; to++) latency[p][to] = long.MaxValue;
        }
        for (var sw = 0; sw < Graph.SwitchCount; sw++)
        {
            var from = PartitionOfLp[Graph.SwitchLp(sw)];
            var ports = Graph.PortsOf(sw);
            for (var p = 0; p < ports.Count; p++)
                if (PartitionOfLp[ports[p].PeerLp] is var to && to != from) latency[from][to] = Math.Min(latency[from][to], ports[p].Link.MinimumLatency);
        }
        return latency;
    }
}
