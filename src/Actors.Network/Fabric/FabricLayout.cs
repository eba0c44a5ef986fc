using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A fabric's LPs (<see cref="FabricGraph"/>: servers, then switches) split into partitions.
/// </summary>
/// <remarks>
/// An edge switch (one with servers) and its servers always share a partition (a rack is the natural unit: server links
/// then never cross partitions). Round robin deals racks in switch order and the other switches on their own: on a leaf-spine
/// fabric, leaf l and its hosts to partition l mod P and spine s to s mod P. Balanced deals racks and switches by weight
/// (<see cref="Balance"/>).
/// </remarks>
public sealed class FabricLayout : IPartitionLayout
{
    public FabricLayout(TopologySettings topology, int partitions) : this(FabricGraph.Of(topology), partitions) { }

    /// <param name="weightOfLp">By LP id, the events each handled in a pilot run (<see cref="Balance"/>); null: round robin.</param>
    public FabricLayout(FabricGraph graph, int partitions, long[]? weightOfLp = null)
        : this(graph, Math.Max(1, partitions), OfSwitches(graph, weightOfLp is null
            ? RoundRobin(HasServers(graph), Math.Max(1, partitions))
            : Balance(graph, Math.Max(1, partitions), weightOfLp)))
    {
    }

    private FabricLayout(FabricGraph graph, int partitions, int[] partitionOfLp)
    {
        Graph = graph;
        Partitions = partitions;
        PartitionOfLp = partitionOfLp;
    }

    /// <summary>
    /// The layout another process made (the coordinator sends it with each partition's init): checked to be one of this fabric's, each
    /// rack whole, so that a partition never builds on an assignment it cannot keep.
    /// </summary>
    public static FabricLayout Given(FabricGraph graph, int partitions, int[] partitionOfLp)
    {
        if (partitionOfLp.Length != graph.LpCount)
            throw new ArgumentException($"a layout of {partitionOfLp.Length} LPs for a fabric of {graph.LpCount}", nameof(partitionOfLp));
        for (var lp = 0; lp < partitionOfLp.Length; lp++)
            if ((uint)partitionOfLp[lp] >= (uint)partitions)
                throw new ArgumentException($"LP {graph.NameOf(lp)} is laid out on partition {partitionOfLp[lp]} of {partitions}", nameof(partitionOfLp));
        for (var server = 0; server < graph.ServerCount; server++)
            if (partitionOfLp[server] != partitionOfLp[graph.SwitchLp(graph.SwitchOf(server))])
                throw new ArgumentException($"{graph.NameOf(server)} is laid out apart from its switch: a rack never splits", nameof(partitionOfLp));
        return new FabricLayout(graph, partitions, partitionOfLp);
    }

    /// <summary>By LP id, each server with its switch.</summary>
    private static int[] OfSwitches(FabricGraph graph, int[] partitionOfSwitch)
    {
        var partitionOfLp = new int[graph.LpCount];
        for (var sw = 0; sw < graph.SwitchCount; sw++) partitionOfLp[graph.SwitchLp(sw)] = partitionOfSwitch[sw];
        for (var server = 0; server < graph.ServerCount; server++) partitionOfLp[server] = partitionOfSwitch[graph.SwitchOf(server)];
        return partitionOfLp;
    }

    private static int[] RoundRobin(bool[] hasServers, int partitions)
    {
        var partitionOf = new int[hasServers.Length];
        var (racks, others) = (0, 0);
        for (var sw = 0; sw < hasServers.Length; sw++) partitionOf[sw] = (hasServers[sw] ? racks++ : others++) % partitions;
        return partitionOf;
    }

    /// <summary>
    /// Deals the units (a rack: its edge switch and servers; any other switch alone) by weight, heaviest first (ties in switch order), each
    /// to the partition with the least weight so far (ties to the lowest index): the longest-processing-time rule, within 4/3 of the best
    /// split. A unit weighs its LPs' pilot events plus one per LP, so that LPs the pilot never reached still count, and a pilot that saw
    /// nothing deals by size.
    /// </summary>
    /// <remarks>
    /// Measured on the large benchmark at 1 Gb/s (docs/benchmarks.md, thirteenth round): each host sends to one random host and each flow
    /// takes one spine by its hash, so racks and spines carry unequal work, and 16 racks and 8 spines do not split evenly in 3. Round robin
    /// left the busiest of 3 partitions 15 % above the mean over the run, this rule 1.2 %; the sum of each window's busiest partition fell
    /// from 11-15 % to 4.9-6.0 % above a perfect split (3 seeds).
    /// </remarks>
    private static int[] Balance(FabricGraph graph, int partitions, long[] weightOfLp)
    {
        if (weightOfLp.Length != graph.LpCount)
            throw new ArgumentException($"{weightOfLp.Length} weights for {graph.LpCount} LPs", nameof(weightOfLp));
        var weight = new long[graph.SwitchCount];
        for (var sw = 0; sw < weight.Length; sw++) weight[sw] = weightOfLp[graph.SwitchLp(sw)] + 1;
        for (var server = 0; server < graph.ServerCount; server++) weight[graph.SwitchOf(server)] += weightOfLp[server] + 1;
        var order = new int[weight.Length];
        for (var sw = 0; sw < order.Length; sw++) order[sw] = sw;
        Array.Sort(order, (a, b) => weight[a] != weight[b] ? weight[b].CompareTo(weight[a]) : a.CompareTo(b));
        var load = new long[partitions];
        var partitionOf = new int[weight.Length];
        foreach (var sw in order)
        {
            var lightest = 0;
            for (var p = 1; p < partitions; p++)
                if (load[p] < load[lightest]) lightest = p;
            partitionOf[sw] = lightest;
            load[lightest] += weight[sw];
        }
        return partitionOf;
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
