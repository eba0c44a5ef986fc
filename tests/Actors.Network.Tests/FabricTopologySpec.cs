using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests;

/// <summary>
/// Fat-tree and explicit fabrics built by <see cref="FabricBuilder"/>: the idle-path delay of one frame to the picosecond, the
/// spread of flows over equal-cost paths, and the partition layout.
/// </summary>
public sealed class FabricTopologySpec
{
    private static readonly LinkSettings HostLink = new(new DataRate(10_000_000_000), SimTime.Microsecond);
    private static readonly LinkSettings FabricLink = new(new DataRate(40_000_000_000), SimTime.Microsecond);
    private static readonly QueueSettings Queue = new(new QueueLimit(QueueLimitUnit.Packets, 100_000), EcnMarking.Off);

    /// <summary>A 100 B UDP payload: 166 B on the wire (frame 146 B + preamble and gap), 132.8 ns at 10 Gb/s, 33.2 ns at 40 Gb/s.</summary>
    private const int Payload = 100;
    private const long HostHopPs = 132_800 + 1_000_000;
    private const long FabricHopPs = 33_200 + 1_000_000;

    private static TopologySettings FatTree(int k) =>
        new TopologySettings(0, 0, 0, HostLink, FabricLink, Queue, Queue) { Kind = TopologyKind.FatTree, K = k };

    /// <summary>
    /// A ring of four switches s0-s1-s2-s3-s0 (25 Gb/s, 2 us per link, but s2-s3 at 500 ns), host0 on s0 and host1 on s2 (10 Gb/s, 1 us),
    /// host2 on s1 (100 Gb/s, 100 ns): host0 reaches host1 over two paths of two switch hops, through s1 or through s3.
    /// </summary>
    private static TopologySettings Ring()
    {
        var ring = new LinkSettings(new DataRate(25_000_000_000), 2 * SimTime.Microsecond);
        var fast = new LinkSettings(new DataRate(100_000_000_000), 100_000);
        var links = new List<ExplicitLink>
        {
            new("s0", "s1", ring, null), new("s1", "s2", ring, null), new("s2", "s3", ring with { DelayPs = 500_000 }, null), new("s3", "s0", ring, null),
            new("host0", "s0", HostLink, null), new("s2", "host1", HostLink, null), new("host2", "s1", fast, null),
        };
        return new TopologySettings(0, 0, 0, HostLink, FabricLink, Queue, Queue)
        {
            Kind = TopologyKind.Explicit, Explicit = new ExplicitTopology(["s0", "s1", "s2", "s3"], 3, links),
        };
    }

    /// <summary>A server as a fabric sees it: one port to its switch (the NIC's wire), frames sent at time 0, arrivals recorded.</summary>
    private sealed class Server : LogicalProcess
    {
        private const ushort SendTimer = 1;
        private readonly OutputPort _wire;

        public Server(FabricGraph graph, int id) : base(id, graph.NameOf(id))
        {
            var sw = graph.SwitchLp(graph.SwitchOf(id));
            var link = graph.LinkOf(id);
            _wire = new OutputPort(this, 0, 0, 0, graph.NameOf(sw), (sw, 0, graph.PortOf(id)), link.Rate, link.DelayPs, Queue.Limit);
        }

        public List<long> Arrivals { get; } = [];
        public List<Packet> ToSend { get; } = [];
        public override void Start() { if (ToSend.Count > 0) ScheduleTimer(0, 0, SendTimer); }

        public override void Handle(ref SimEvent e)
        {
            if (e.Kind == EventKind.Packet) Arrivals.Add(e.Time);
            else if (e.Port == SendTimer) foreach (var p in ToSend) _wire.Enqueue(in p);
            else _wire.OnTransmitDone();
        }

        public override void Report(ResultsBuilder results, long endTime) => _wire.Report(results, endTime);
    }

    /// <summary>Every LP of the fabric in one partition; endpoint i lives on server i.</summary>
    private static (Server[] Servers, FabricSwitch[] Switches, Partition Partition) Build(TopologySettings topology)
    {
        var layout = new FabricLayout(topology, 1);
        var graph = layout.Graph;
        var partition = new Partition(0, 1, layout.PartitionOfLp);
        var locations = new LocationTable(Enumerable.Range(0, graph.ServerCount).ToArray());
        var servers = Enumerable.Range(0, graph.ServerCount).Select(i => new Server(graph, i)).ToArray();
        var profiles = new PortProfiles();
        var names = Enumerable.Range(0, layout.LpCount).Select(layout.NameOf).ToArray();
        var switches = Enumerable.Range(0, graph.SwitchCount).Select(s => FabricBuilder.Switch(layout, graph.Routes.PlacesOf(locations), names, profiles, graph.SwitchLp(s), seed: 1)).ToArray();
        foreach (var s in servers) partition.Add(s);
        foreach (var s in switches) partition.Add(s);
        return (servers, switches, partition);
    }

    private static long IdleDelay(TopologySettings topology, int from, int to)
    {
        var (servers, _, partition) = Build(topology);
        servers[from].ToSend.Add(new Packet { DestinationEndpoint = to, PayloadBytes = Payload, FlowHash = 12345 });
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        return Assert.Single(servers[to].Arrivals);
    }

    [Theory]
    [InlineData(0, 1, 2 * HostHopPs)]                        // same edge switch: host link up and down
    [InlineData(0, 2, 2 * HostHopPs + 2 * FabricHopPs)]      // same pod: edge, aggregation, edge
    [InlineData(0, 15, 2 * HostHopPs + 4 * FabricHopPs)]     // pods 0 and 3: edge, aggregation, core, aggregation, edge
    [InlineData(5, 8, 2 * HostHopPs + 4 * FabricHopPs)]      // pods 1 and 2
    public void Fat_tree_must_deliver_a_frame_on_an_idle_fabric_after_the_sum_of_its_hops(int from, int to, long expected)
    {
        // arrange + act: k = 4, 16 hosts, 2 per edge switch, 4 per pod
        var delay = IdleDelay(FatTree(4), from, to);

        // assert: per hop, serialization at the link's rate plus propagation, store and forward (2,265,600 / 4,332,000 / 6,398,400 ps)
        Assert.Equal(expected, delay);
    }

    [Theory]
    [InlineData(0, 2, 132_800 + 1_000_000 + 53_120 + 2_000_000 + 13_280 + 100_000)] // host0 -> host2: host link, s0-s1 at 25G, 100G link to host2
    [InlineData(2, 0, 13_280 + 100_000 + 53_120 + 2_000_000 + 132_800 + 1_000_000)]
    public void Explicit_topology_must_deliver_a_frame_after_the_sum_of_its_links(int from, int to, long expected)
    {
        var delay = IdleDelay(Ring(), from, to);

        // assert: 166 B take 132.8 ns at 10 Gb/s, 53.12 ns at 25 Gb/s, 13.28 ns at 100 Gb/s
        Assert.Equal(expected, delay);
    }

    [Fact]
    public void Explicit_ring_must_spread_flows_over_its_two_equal_hop_paths()
    {
        // arrange: 2000 one-frame flows from host0 (on s0) to host1 (on s2), each with its own hash
        var (servers, switches, partition) = Build(Ring());
        servers[0].ToSend.AddRange(Enumerable.Range(0, 2000).Select(i => new Packet { DestinationEndpoint = 1, PayloadBytes = Payload, FlowId = i, FlowHash = (uint)i * 2654435761u }));

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert: s0's ports 0 (to s1) and 1 (to s3) each carry half the flows within 10 %; all arrive
        var (toS1, toS3) = (switches[0].Ports[0].Stats.TxPackets, switches[0].Ports[1].Stats.TxPackets);
        Assert.Equal(2000, toS1 + toS3);
        Assert.InRange(toS1, 900, 1100);
        Assert.Equal(2000, servers[1].Arrivals.Count);
    }

    [Theory]
    [InlineData(0, 2 * HostHopPs + 2 * (53_120 + 2_000_000))]               // through s1: two 25 Gb/s links of 2 us
    [InlineData(1, 2 * HostHopPs + 53_120 + 2_000_000 + 53_120 + 500_000)] // through s3: 2 us, then 500 ns
    public void Explicit_ring_must_deliver_a_frame_along_the_path_ECMP_chose_with_that_path_s_delay(int port, long expected)
    {
        // arrange: a flow hash that s0 (LP 3: after 3 servers) sends out of port 0 (to s1) or port 1 (to s3)
        var hash = Enumerable.Range(0, 100).Select(i => (uint)i).First(h => EcmpHash.Select(h, 3, 2) == port);
        var (servers, _, partition) = Build(Ring());
        servers[0].ToSend.Add(new Packet { DestinationEndpoint = 1, PayloadBytes = Payload, FlowHash = hash });

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert
        Assert.Equal(expected, Assert.Single(servers[1].Arrivals));
    }

    [Fact]
    public void Fat_tree_must_spread_flows_between_two_pods_over_all_four_core_paths()
    {
        // arrange: 4000 one-frame flows from host 0 (pod 0) to host 4 (pod 1), each with its own hash
        var (servers, switches, partition) = Build(FatTree(4));
        servers[0].ToSend.AddRange(Enumerable.Range(0, 4000).Select(i => new Packet { DestinationEndpoint = 4, PayloadBytes = Payload, FlowId = i, FlowHash = (uint)i * 2654435761u }));

        // act
        partition.Start();
        partition.RunUntil(10 * SimTime.Millisecond);

        // assert: switches are 8 edges, 8 aggregations, then cores 16..19; each core's port 1 leads to pod 1. Each of the (k/2)^2 = 4
        // core paths carries 1000 flows within 10 %, and all arrive
        var perCore = switches.Skip(16).Select(c => c.Ports[1].Stats.TxPackets).ToArray();
        Assert.Equal(4, perCore.Length);
        Assert.Equal(4000, perCore.Sum());
        Assert.All(perCore, n => Assert.InRange(n, 900, 1100));
        Assert.Equal(4000, servers[4].Arrivals.Count);
    }

    [Fact]
    public void Fat_tree_must_have_the_shape_of_Al_Fares_et_al()
    {
        // act
        var graph = FabricGraph.Of(FatTree(4));

        // assert: k^3/4 = 16 hosts, 5k^2/4 = 20 switches; every switch has k = 4 ports; 16 host + 16 edge-aggregation + 16 aggregation-core links
        Assert.Equal((16, 20, 48), (graph.ServerCount, graph.SwitchCount, graph.LinkCount));
        Assert.All(Enumerable.Range(0, 20), s => Assert.Equal(4, graph.PortsOf(s).Count));
        Assert.Equal(["edge0-0", "edge3-1", "agg0-0", "agg3-1", "core0", "core3"],
            new[] { 0, 7, 8, 15, 16, 19 }.Select(s => graph.NameOf(graph.SwitchLp(s))));
        // edge0-0's way to pod 1's edge switches: both aggregation switches of its pod (ports 2 and 3)
        Assert.Equal([2, 3], graph.Routes.TableOf(0)[graph.Routes.EdgeOf(2)]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fat_tree_layout_must_keep_racks_together_and_deal_the_rest_round_robin(int partitions)
    {
        // act
        var layout = new FabricLayout(FatTree(4), partitions);

        // assert: server h with its edge switch h / 2; edge e to e mod P; aggregation and core switches i (0..11 after the edges) to i mod P
        var expected = Enumerable.Range(0, 16).Select(h => h / 2 % partitions)
            .Concat(Enumerable.Range(0, 8).Select(e => e % partitions))
            .Concat(Enumerable.Range(0, 12).Select(i => i % partitions));
        Assert.Equal(expected, layout.PartitionOfLp);
        Assert.Equal(partitions == 1 ? long.MaxValue : FabricLink.MinimumLatency, layout.Lookahead());
    }

    [Fact]
    public void Flood_times_must_follow_the_fastest_path()
    {
        // act: from s0 the flood reaches s3 directly (2 us) and s2 through s3 (2 us + 500 ns), faster than through s1 (4 us)
        var times = FabricGraph.Of(Ring()).Routes.FloodTimes(0);

        // assert: a minimum frame (84 B) takes 26.88 ns at 25 Gb/s
        Assert.Equal([0, 2_026_880, 2_526_880 + 26_880, 2_026_880], times);
    }
}
