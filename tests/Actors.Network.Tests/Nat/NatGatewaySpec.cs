using DcSim.ActorsNetwork.Nat;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNetwork.Tests.Nat;

/// <summary>
/// Docker's NAT between a bridge (inside) and the host's uplink (outside): published ports, masquerade, ports kept
/// unique, expiry, the table limit, and the CPU time each packet costs.
/// </summary>
public sealed class NatGatewaySpec
{
    private const long S = SimTime.Second;
    private const long Ns = SimTime.Nanosecond;
    private const uint HostIp = 0x0A00_0001, RemoteIp = 0x0A00_0009, C1Ip = 0xAC11_0002, C2Ip = 0xAC11_0003;
    private const int RemoteId = 9;
    private static readonly EndpointAddress Host = new(1, 0x0200_0000_0001, HostIp);
    private static readonly EndpointAddress C1 = new(100, 0x0242_AC11_0002, C1Ip);
    private static readonly EndpointAddress C2 = new(101, 0x0242_AC11_0003, C2Ip);

    // 2 GHz: a cycle is 500 ps. A new connection's packet costs 300 + 100 + 1000 cycles (700 ns), a known one's 400 (200 ns).
    private static readonly NatCosts Costs = new(new StepCost(300), new StepCost(100), new StepCost(1_000));

    /// <summary>Sends its script through port 0; records what arrives and, if it echoes, answers it at once with the tuple reversed.</summary>
    private sealed class Peer(string path, bool echo) : Component(path)
    {
        public override string Kind => "test";

        public List<(long At, Packet Packet)> Script { get; } = [];
        public List<(long Time, Packet Packet)> Received { get; } = [];
        public override void Start()
        {
            for (var i = 0; i < Script.Count; i++) SetTimer(Script[i].At, 0, i);
        }
        public override void OnTimer(int timer, int token, in Packet carried) => Emit(0, Script[token].Packet);
        public override void Receive(int port, in Packet packet)
        {
            Received.Add((Now, packet));
            if (echo) Emit(0, Answer(packet));
        }
    }

    private sealed class Harness
    {
        public Harness(NatSettings? settings = null, bool insideEchoes = false, bool outsideEchoes = false, int cores = 1)
        {
            Cpu = new ServerCpu(cores, 2_000_000_000);
            var lp = new ComponentLp(0, "host0");
            Inside = lp.Add(new Peer("host0/docker0", insideEchoes));
            Outside = lp.Add(new Peer("host0/uplink", outsideEchoes));
            Nat = lp.Add(new NatGateway("host0/nat", "host0:nat", settings ?? NatSettings.Linux, Host,
                [new PublishedPort(PacketHeaders.Udp, 8080, C1, 80)],
                ip => ip switch { C1Ip => C1, C2Ip => C2, _ => null },
                new HostCores(Cpu), CpuCategory.HostKernel, Costs));
            lp.Connect(Inside, 0, Nat, NatGateway.InsidePort);
            lp.Connect(Nat, NatGateway.OutsidePort, Outside, 0);
            Partition = new Partition(0, 1, [0]);
            Partition.Add(lp);
        }

        public ServerCpu Cpu { get; }
        public Peer Inside { get; }
        public Peer Outside { get; }
        public NatGateway Nat { get; }
        public Partition Partition { get; }

        public ResultsBuilder Run(long until)
        {
            Partition.Start();
            Partition.RunUntil(until);
            return Partition.Report(until);
        }
    }

    private static Packet Datagram(long flow, EndpointAddress from, ushort sourcePort, uint destinationIp, ushort destinationPort, int destination,
        byte protocol = PacketHeaders.Udp)
    {
        var p = new Packet
        {
            FlowId = flow, PayloadBytes = 100, SourceEndpoint = from.Id, DestinationEndpoint = destination,
            Headers = new PacketHeaders
            {
                SourceMac = from.Mac, DestinationMac = 0x0200_0000_00FF, SourceIp = from.Ipv4, DestinationIp = destinationIp,
                SourcePort = sourcePort, DestinationPort = destinationPort, Protocol = protocol,
            },
        };
        p.FlowHash = p.Headers.FlowHash();
        return p;
    }

    private static readonly EndpointAddress Remote = new(RemoteId, 0x0200_0000_0009, RemoteIp);

    /// <summary>The answer to <paramref name="p"/>: addresses, ports and endpoints swapped, in a flow of its own.</summary>
    private static Packet Answer(Packet p)
    {
        var a = p;
        a.FlowId = p.FlowId + 1_000;
        ref var h = ref a.Headers;
        (h.SourceMac, h.DestinationMac) = (p.Headers.DestinationMac, p.Headers.SourceMac);
        (h.SourceIp, h.DestinationIp) = (p.Headers.DestinationIp, p.Headers.SourceIp);
        (h.SourcePort, h.DestinationPort) = (p.Headers.DestinationPort, p.Headers.SourcePort);
        (a.SourceEndpoint, a.DestinationEndpoint) = (p.DestinationEndpoint, p.SourceEndpoint);
        a.FlowHash = h.FlowHash();
        return a;
    }

    [Fact]
    public void A_published_port_must_reach_its_container_and_the_reply_must_leave_as_the_host_port()
    {
        // arrange: a client sends to host:8080, published to C1:80; the container answers
        var h = new Harness(insideEchoes: true);
        h.Outside.Script.Add((0, Datagram(1, Remote, 40000, HostIp, 8080, Host.Id)));

        // act
        var results = h.Run(S);

        // assert: DNATed to the container, after the new entry's 1,400 cycles
        var (inAt, inbound) = Assert.Single(h.Inside.Received);
        Assert.Equal(700 * Ns, inAt);
        Assert.Equal((RemoteIp, 40000, C1Ip, 80), (inbound.Headers.SourceIp, (int)inbound.Headers.SourcePort, inbound.Headers.DestinationIp, (int)inbound.Headers.DestinationPort));
        Assert.Equal((C1.Mac, C1.Id), (inbound.Headers.DestinationMac, inbound.DestinationEndpoint));
        Assert.Equal(inbound.Headers.FlowHash(), inbound.FlowHash);
        // the reply SNATed back to host:8080 with the host's MAC (the sending endpoint stays the container), after a lookup's 400 cycles
        var (outAt, reply) = Assert.Single(h.Outside.Received);
        Assert.Equal(900 * Ns, outAt);
        Assert.Equal((HostIp, 8080, RemoteIp, 40000), (reply.Headers.SourceIp, (int)reply.Headers.SourcePort, reply.Headers.DestinationIp, (int)reply.Headers.DestinationPort));
        Assert.Equal((Host.Mac, C1.Id, RemoteId), (reply.Headers.SourceMac, reply.SourceEndpoint, reply.DestinationEndpoint));
        Assert.Equal(reply.Headers.FlowHash(), reply.FlowHash);
        var c = results.Components["host0/nat"];
        Assert.Equal((1L, 1L, 1L, 1L, 1_800L, 0L), (c["new_connections"], c["packets_in"], c["packets_out"], c["entries"], c["cycles"], c["dropped_packets"]));
    }

    [Fact]
    public void An_outbound_connection_must_be_masqueraded_as_the_host_and_its_answer_must_find_the_container()
    {
        // arrange: C1 sends; so does an inside address that is no container's
        var h = new Harness(outsideEchoes: true);
        h.Inside.Script.Add((0, Datagram(1, C1, 5000, RemoteIp, 53, RemoteId)));
        h.Inside.Script.Add((S, Datagram(2, new EndpointAddress(102, 0x0242_AC11_0063, 0xAC11_0063), 5000, RemoteIp, 53, RemoteId)));

        // act
        var results = h.Run(2 * S);

        // assert: the network sees the host's address and MAC, its port kept (the sending endpoint stays C1); the answer goes back to C1:5000
        var (_, sent) = Assert.Single(h.Outside.Received);
        Assert.Equal((HostIp, 5000, RemoteIp, 53), (sent.Headers.SourceIp, (int)sent.Headers.SourcePort, sent.Headers.DestinationIp, (int)sent.Headers.DestinationPort));
        Assert.Equal((Host.Mac, C1.Id), (sent.Headers.SourceMac, sent.SourceEndpoint));
        var (at, answer) = Assert.Single(h.Inside.Received);
        Assert.Equal(900 * Ns, at);
        Assert.Equal((RemoteIp, 53, C1Ip, 5000), (answer.Headers.SourceIp, (int)answer.Headers.SourcePort, answer.Headers.DestinationIp, (int)answer.Headers.DestinationPort));
        Assert.Equal((C1.Mac, C1.Id), (answer.Headers.DestinationMac, answer.DestinationEndpoint));
        Assert.Equal(1, results.Components["host0/nat"]["no_match"]);
        Assert.Equal(1, results.Flows[2].DropsAt["host0:nat"]);
    }

    [Fact]
    public void Two_containers_on_the_same_source_port_must_get_different_outside_ports_and_each_its_own_answers()
    {
        // arrange: C1 and C2 both from port 5000 to the same remote 10.0.0.9:53; C2 also to :54
        var h = new Harness(outsideEchoes: true);
        h.Inside.Script.Add((0, Datagram(1, C1, 5000, RemoteIp, 53, RemoteId)));
        h.Inside.Script.Add((S, Datagram(2, C2, 5000, RemoteIp, 53, RemoteId)));
        h.Inside.Script.Add((2 * S, Datagram(3, C2, 5000, RemoteIp, 54, RemoteId)));

        // act
        h.Run(3 * S);

        // assert: C1 keeps 5000; C2 cannot and gets the first port of 1024-65535 from the rover; towards :54, 5000 is free again
        Assert.Equal([5000, 1024, 5000], h.Outside.Received.Select(r => (int)r.Packet.Headers.SourcePort));
        Assert.Equal([(C1.Id, C1Ip), (C2.Id, C2Ip), (C2.Id, C2Ip)],
            h.Inside.Received.Select(r => (r.Packet.DestinationEndpoint, r.Packet.Headers.DestinationIp)));
        Assert.All(h.Inside.Received, r => Assert.Equal(5000, r.Packet.Headers.DestinationPort));
    }

    [Fact]
    public void An_entry_must_expire_after_its_timeout_so_a_late_answer_is_dropped_and_a_new_packet_opens_a_new_entry()
    {
        // arrange: C1 sends at 0 (unreplied: 30 s); an answer at 29 s refreshes it to 59 s; one at 59 s is too late;
        // C1 sends again at 60 s
        var h = new Harness();
        h.Inside.Script.Add((0, Datagram(1, C1, 5000, RemoteIp, 53, RemoteId)));
        h.Inside.Script.Add((60 * S, Datagram(1, C1, 5000, RemoteIp, 53, RemoteId)));
        var answer = Answer(Datagram(1, Host, 5000, RemoteIp, 53, RemoteId));
        h.Outside.Script.Add((29 * S, answer));
        h.Outside.Script.Add((59 * S, answer));

        // act
        var results = h.Run(61 * S);

        // assert
        Assert.Equal([29 * S + 200 * Ns], h.Inside.Received.Select(r => r.Time));
        var c = results.Components["host0/nat"];
        Assert.Equal((2L, 1L, 1L, 1L, 1L), (c["new_connections"], c["expired"], c["no_match"], c["dropped_packets"], c["entries"]));
        Assert.Equal(1, results.Flows[1_001].DropsAt["host0:nat"]);
    }

    [Fact]
    public void The_collector_must_shrink_the_table_once_entries_expire()
    {
        // arrange: three unreplied connections at 0 (expire at 30 s); the collector runs at 1 s, then about 59.1 s later
        var h = new Harness();
        foreach (var port in new ushort[] { 5000, 5001, 5002 }) h.Inside.Script.Add((0, Datagram(port, C1, port, RemoteIp, 53, RemoteId)));

        // act + assert: still counted at 60 s, collected by 61 s
        h.Partition.Start();
        h.Partition.RunUntil(60 * S);
        Assert.Equal(3, h.Nat.Conntrack.Count);
        h.Partition.RunUntil(61 * S);
        var c = h.Partition.Report(61 * S).Components["host0/nat"];
        Assert.Equal((0L, 3L), (c["entries"], c["expired"]));
    }

    [Fact]
    public void A_full_table_must_drop_and_count_a_new_flow_when_every_entry_is_assured()
    {
        // arrange: room for two entries in one bucket; two TCP connections complete their handshake (out, answer, out)
        var h = new Harness(NatSettings.Linux with { MaxEntries = 2, Buckets = 1 }, outsideEchoes: true);
        foreach (var (flow, port) in new[] { (1L, (ushort)40001), (2L, (ushort)40002) })
        {
            h.Inside.Script.Add((0, Datagram(flow, C1, port, RemoteIp, 80, RemoteId, PacketHeaders.Tcp)));
            h.Inside.Script.Add((SimTime.Millisecond, Datagram(flow, C1, port, RemoteIp, 80, RemoteId, PacketHeaders.Tcp)));
        }
        // a third connection finds the table full of assured entries
        h.Inside.Script.Add((2 * SimTime.Millisecond, Datagram(3, C1, 40003, RemoteIp, 80, RemoteId, PacketHeaders.Tcp)));

        // act
        var results = h.Run(S);

        // assert: the third connection's packet is dropped and counted where it happened
        var c = results.Components["host0/nat"];
        Assert.Equal((2L, 1L, 0L, 2L), (c["new_connections"], c["conntrack_full"], c["early_drops"], c["entries"]));
        Assert.Equal(1, results.Flows[3].DropsAt["host0:nat"]);
        Assert.DoesNotContain(h.Outside.Received, r => r.Packet.FlowId == 3);
    }

    [Fact]
    public void A_full_table_must_early_drop_an_unreplied_entry_to_admit_a_new_flow()
    {
        // arrange: room for two; one assured TCP connection and one unreplied UDP one, then a new flow
        var h = new Harness(NatSettings.Linux with { MaxEntries = 2, Buckets = 1 });
        h.Inside.Script.Add((0, Datagram(1, C1, 40001, RemoteIp, 80, RemoteId, PacketHeaders.Tcp)));
        h.Outside.Script.Add((SimTime.Millisecond, Answer(Datagram(1, Host, 40001, RemoteIp, 80, RemoteId, PacketHeaders.Tcp))));
        h.Inside.Script.Add((2 * SimTime.Millisecond, Datagram(1, C1, 40001, RemoteIp, 80, RemoteId, PacketHeaders.Tcp)));
        h.Inside.Script.Add((3 * SimTime.Millisecond, Datagram(2, C1, 5000, RemoteIp, 53, RemoteId)));
        h.Inside.Script.Add((4 * SimTime.Millisecond, Datagram(3, C1, 5001, RemoteIp, 53, RemoteId)));

        // act
        var results = h.Run(S);

        // assert: the unreplied UDP entry made room; the TCP connection is still there
        var c = results.Components["host0/nat"];
        Assert.Equal((3L, 1L, 0L, 2L), (c["new_connections"], c["early_drops"], c["conntrack_full"], c["entries"]));
        Assert.Equal([1L, 1L, 2L, 3L], h.Outside.Received.Select(r => r.Packet.FlowId));
        Assert.NotNull(h.Nat.Conntrack.Find(new ConntrackTuple(C1Ip, RemoteIp, 40001, 80, PacketHeaders.Tcp), 5 * SimTime.Millisecond, out _));
        Assert.Null(h.Nat.Conntrack.Find(new ConntrackTuple(C1Ip, RemoteIp, 5000, 53, PacketHeaders.Udp), 5 * SimTime.Millisecond, out _));
    }

    [Fact]
    public void Packets_must_queue_on_the_core_their_flow_hash_picks_and_be_charged_to_the_kernel_category()
    {
        // arrange: one core at 2 GHz; at 0, two new connections to the published port and a second packet of the first
        var h = new Harness();
        h.Outside.Script.Add((0, Datagram(1, Remote, 40000, HostIp, 8080, Host.Id)));
        h.Outside.Script.Add((0, Datagram(2, Remote, 40001, HostIp, 8080, Host.Id)));
        h.Outside.Script.Add((0, Datagram(1, Remote, 40000, HostIp, 8080, Host.Id)));
        // and a packet matching nothing: it costs its lookup and is dropped
        h.Outside.Script.Add((0, Datagram(4, Remote, 40000, HostIp, 9999, Host.Id)));

        // act
        var results = h.Run(S);

        // assert: 700 ns, then 700 ns more, then 200 ns for the known connection; the drop takes 200 ns of the core
        Assert.Equal([700 * Ns, 1_400 * Ns, 1_600 * Ns], h.Inside.Received.Select(r => r.Time));
        Assert.Equal(1_800 * Ns, h.Cpu.BusyPs(0, CpuCategory.HostKernel, S));
        Assert.Equal(0, h.Cpu.BusyPs(0, CpuCategory.GuestKernel, S));
        var c = results.Components["host0/nat"];
        Assert.Equal((3_600L, 1L), (c["cycles"], c["no_match"]));
    }
}
