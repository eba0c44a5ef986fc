using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Ovs;

/// <summary>The vSwitch component: typed datapath actions decide where each packet goes, when, and with which headers.</summary>
public sealed class VSwitchComponentSpec
{
    /// <summary>Sends its packets at time 0 on port 0; records what reaches it.</summary>
    private sealed class Endpoint(string path) : Component(path)
    {
        public override string Kind => "test";

        public List<Packet> ToSend { get; } = [];
        public List<(long Time, Packet Packet)> Received { get; } = [];
        public override void Start() { if (ToSend.Count > 0) SetTimer(0, 0); }
        public override void Receive(int port, in Packet packet) => Received.Add((Now, packet));
        public override void OnTimer(int timer, int token, in Packet carried)
        {
            foreach (var p in ToSend) Emit(0, p);
        }
    }

    private static Packet Udp(long flow, string dst) => new()
    {
        FlowId = flow, PayloadBytes = 100, FlowHash = (uint)flow,
        Headers = new PacketHeaders
        {
            SourceMac = 0x0200_0000_0001, DestinationMac = 0x0200_0000_0002, SourceIp = 0x0A00_0001,
            DestinationIp = BitConverter.ToUInt32(System.Net.IPAddress.Parse(dst).GetAddressBytes().Reverse().ToArray()),
            SourcePort = 1024, DestinationPort = 5000, Protocol = PacketHeaders.Udp,
        },
    };

    /// <summary>
    /// A host (port 2) behind a vSwitch whose uplink (port 1) is a wire: traffic to 10.0.0.9 is rewritten to 10.0.0.7, 10.0.0.66 is
    /// dropped, the rest goes out; the host sends one packet to each of 10.0.0.9, 10.0.0.66 and 10.0.0.8 at 0.
    /// </summary>
    private static (Partition Partition, Endpoint Wire) Rig()
    {
        var rules = RuleFileParser.Parse(
        [
            "priority=20,ip,in_port=2,nw_dst=10.0.0.9,actions=mod_nw_dst:10.0.0.7,output:1",
            "priority=20,ip,in_port=2,nw_dst=10.0.0.66,actions=drop",
            "priority=1,in_port=2,actions=output:1",
        ], "test");
        var cpu = new ServerCpu(4, 2_500_000_000);
        var vswitch = new VSwitch(new VSwitchSettings(DatapathProfile.KernelDefaults, 2, 2, SimTime.Second, 10 * SimTime.Second, 100 * SimTime.Millisecond, 2_000),
            new PipelineSlowPath(rules, [1, 2]), cpu, RandomStreams.Create(1, 0, "vswitch"));
        var lp = new ComponentLp(0, "host0");
        var host = lp.Add(new Endpoint("host0/stack"));
        var wire = lp.Add(new Endpoint("host0/wire"));
        var component = lp.Add(new VSwitchComponent("host0/vswitch", "host0:vswitch", vswitch, SimTime.Second, []));
        lp.Connect(host, 0, component, 2);
        lp.Connect(component, 1, wire, 0);
        host.ToSend.AddRange([Udp(1, "10.0.0.9"), Udp(2, "10.0.0.66"), Udp(3, "10.0.0.8")]);
        var partition = new Partition(0, 1, [0]);
        partition.Add(lp);
        return (partition, wire);
    }

    [Fact]
    public void Actions_must_rewrite_headers_route_to_their_port_when_the_core_is_done_and_drop_what_has_no_output()
    {
        // arrange
        var (partition, wire) = Rig();

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        var results = partition.Report(SimTime.Millisecond);

        // assert: two packets out, the first with its destination rewritten, both later than 0 (upcalls on the CPU)
        Assert.Equal([1L, 3L], wire.Received.Select(r => r.Packet.FlowId));
        Assert.Equal(0x0A00_0007u, wire.Received[0].Packet.Headers.DestinationIp);
        Assert.Equal(0x0A00_0008u, wire.Received[1].Packet.Headers.DestinationIp);
        Assert.All(wire.Received, r => Assert.True(r.Time > 0));
        Assert.Equal(1, results.Flows[2].DroppedPackets);
        Assert.Equal(1, results.Flows[2].DropsAt["host0:vswitch"]);
        var counters = results.Components["host0/vswitch"];
        Assert.Equal(3, counters["packets"]);
        Assert.Equal(1, counters["dropped_packets"]);
    }

    [Fact]
    public void Listings_must_print_its_rules_and_a_line_per_cached_flow_as_OVS_does_and_change_no_result()
    {
        // arrange: the same run twice, one asked for its listings (rules cut to 2 lines) at 1 ms
        var (listed, _) = Rig();
        var (plain, _) = Rig();
        listed.Start();
        plain.Start();
        listed.RunUntil(SimTime.Millisecond);
        plain.RunUntil(SimTime.Millisecond);

        // act
        var snapshot = listed.SnapshotCounters(new ListingQuery("host0", 2, 3 * SimTime.Millisecond));
        listed.RunUntil(2 * SimTime.Millisecond);
        plain.RunUntil(2 * SimTime.Millisecond);

        // assert: the three rules (two shown, installed at 0, so 3 ms old where the run holds), one datapath flow per megaflow (the kernel
        // datapath: no packet_type), each hit once by its upcall only (not counted, so never used); the results as without the listing
        var rules = snapshot.Listings["host0/vswitch"]["openflow_rules"];
        Assert.Equal((3 * SimTime.Millisecond, 3L), (rules.AtPs, rules.Total));
        Assert.Equal(string.Join('\n',
        [
            " cookie=0x0, duration=0.003s, table=0, n_packets=1, n_bytes=142, idle_age=0, priority=20,ip,in_port=2,nw_dst=10.0.0.9 actions=mod_nw_dst:10.0.0.7,output:1",
            " cookie=0x0, duration=0.003s, table=0, n_packets=1, n_bytes=142, idle_age=0, priority=20,ip,in_port=2,nw_dst=10.0.0.66 actions=drop",
        ]), string.Join('\n', rules.Lines));
        var flows = snapshot.Listings["host0/vswitch"]["datapath_flows"];
        Assert.Equal(snapshot.Components["host0/vswitch"]["megaflows"], flows.Total);
        Assert.Equal(3, flows.Total);
        Assert.All(flows.Lines, f => Assert.Matches(@"^recirc_id\(0\),in_port\(2\),eth_type\(0x0800\),ipv4\(dst=10\.0\.0\.\d+[^)]*,frag=no\), packets:0, bytes:0, used:never, actions:", f));
        Assert.Equal(["host0/vswitch"], snapshot.Listings.Keys);
        Assert.Equal(ResultsCodec.Encode(plain.Report(2 * SimTime.Millisecond)), ResultsCodec.Encode(listed.Report(2 * SimTime.Millisecond)));
    }
}
