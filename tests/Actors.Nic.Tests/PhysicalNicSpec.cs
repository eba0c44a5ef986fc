using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsNic.Tests;

/// <summary>The NIC in both directions: serialization at line rate, FIFO order, tail drop and its accounting; frames from the wire to the host.</summary>
public sealed class PhysicalNicSpec
{
    /// <summary>Stands for the server's stack: sends a burst at time 0 through the NIC, records what the NIC hands up.</summary>
    private sealed class Stack() : Component("sender/stack")
    {
        public override string Kind => "test";

        public List<Packet> Burst { get; } = [];
        public List<(long Time, Packet Packet)> Received { get; } = [];
        public override void Start() { if (Burst.Count > 0) SetTimer(0, 0); }
        public override void Receive(int port, in Packet packet) => Received.Add((Now, packet));
        public override void OnTimer(int timer, int token, in Packet carried)
        {
            foreach (var p in Burst) Emit(0, in p);
        }
    }

    private sealed class Sender : ComponentLp
    {
        public Sender(QueueLimit limit, long txLatencyPs = 0, long rxLatencyPs = 0) : base(0, "sender")
        {
            Nic = Add(new PhysicalNic("sender/nic0", new NicLatency(txLatencyPs, rxLatencyPs)));
            Stack = Add(new Stack());
            Connect(Stack, 0, Nic, PhysicalNic.HostPort);
            Nic.ConnectWire(new OutputPort(this, Nic.Index, PhysicalNic.TransmitDoneTimer, 0, "sink", (1, 0, 0),
                new DataRate(10_000_000_000), SimTime.Microsecond, limit));
        }

        public PhysicalNic Nic { get; }
        public Stack Stack { get; }
    }

    /// <summary>The far end of the link; can also send one frame to the sender's NIC.</summary>
    private sealed class Sink() : LogicalProcess(1, "sink")
    {
        public List<(long Time, Packet Packet)> Arrivals { get; } = [];
        public long? SendAt { get; init; }
        public override void Start() { if (SendAt is { } t) ScheduleTimer(t, 0, 0); }
        public override void Handle(ref SimEvent e)
        {
            if (e.Kind == EventKind.Packet) Arrivals.Add((e.Time, e.Packet));
            else SendPacket(0, Now + SimTime.Microsecond, 0, PhysicalNic.WirePort, new Packet { FlowId = 7, PayloadBytes = 100 });
        }
        public override void Report(ResultsBuilder results, long endTime) { }
    }

    private static (Sender Sender, Sink Sink, ResultsBuilder Results) Send(QueueLimit limit, params int[] payloads)
    {
        var partition = new Partition(0, 1, [0, 0]);
        var sender = new Sender(limit);
        var sink = new Sink();
        for (var i = 0; i < payloads.Length; i++)
            sender.Stack.Burst.Add(new Packet { FlowId = 100 + i % 2, PayloadBytes = payloads[i], Sequence = i, DestinationEndpoint = 1 });
        partition.Add(sender);
        partition.Add(sink);
        partition.Start();
        partition.RunUntil(SimTime.Second);
        return (sender, sink, partition.Report(SimTime.Second));
    }

    [Fact]
    public void Frames_must_leave_back_to_back_at_line_rate_in_FIFO_order()
    {
        // act: 1000 B, 10 B (padded to the 64 B minimum frame) and 1500 B payloads at once
        var (_, sink, _) = Send(new QueueLimit(QueueLimitUnit.Packets, 10), 1000, 10, 1500);

        // assert: arrival = end of serialization (frame + 20 B) + 1 us propagation
        long Tx(int wireBytes) => wireBytes * 8 * 100; // ps at 10 Gb/s
        Assert.Equal([0, 1, 2], sink.Arrivals.Select(a => a.Packet.Sequence));
        Assert.Equal(Tx(1066) + SimTime.Microsecond, sink.Arrivals[0].Time);
        Assert.Equal(Tx(1066) + Tx(84) + SimTime.Microsecond, sink.Arrivals[1].Time);
        Assert.Equal(Tx(1066) + Tx(84) + Tx(1566) + SimTime.Microsecond, sink.Arrivals[2].Time);
    }

    [Fact]
    public void A_full_packet_queue_must_drop_at_the_tail_and_count_per_flow()
    {
        // act: one frame in service + 2 waiting fit; the last 3 of 6 are dropped
        var (sender, sink, results) = Send(new QueueLimit(QueueLimitUnit.Packets, 2), 100, 100, 100, 100, 100, 100);

        // assert
        Assert.Equal([0, 1, 2], sink.Arrivals.Select(a => a.Packet.Sequence));
        var link = sender.Nic.Uplink.Stats;
        Assert.Equal(3, link.DroppedPackets);
        Assert.Equal(300, link.DroppedBytes);
        Assert.Equal(2, link.QueueMaxPackets);
        Assert.Equal(1, results.Flows[100].DroppedPackets);
        Assert.Equal(2, results.Flows[101].DroppedPackets);
        Assert.Equal("sender->sink", results.Flows[101].DropsAt.Keys.Single());
        Assert.Equal(3, results.Components["sender/nic0"]["tx_dropped"]);
        Assert.Equal(3, results.Components["sender/nic0"]["tx_packets"]);
    }

    [Fact]
    public void A_byte_limit_must_count_frame_bytes()
    {
        // act: frames of 1046 B; 2100 B of queue holds two waiting frames, not three
        var (_, sink, _) = Send(new QueueLimit(QueueLimitUnit.Bytes, 2100), 1000, 1000, 1000, 1000);

        // assert
        Assert.Equal(3, sink.Arrivals.Count);
    }

    [Fact]
    public void Waiting_time_and_utilisation_must_match_the_schedule()
    {
        var (sender, _, _) = Send(new QueueLimit(QueueLimitUnit.Packets, 10), 1000, 1000);
        var link = sender.Nic.Uplink.Stats;
        Assert.Equal(2, link.WaitCount);
        Assert.Equal(1066 * 8 * 100, (long)link.WaitSumPs);
        Assert.Equal(2 * 1066 * 8 * 100, link.BusyPs);
        Assert.Equal(2 * 1066, link.TxWireBytes);
    }

    [Fact]
    public void A_frame_from_the_wire_must_reach_the_host_port_when_its_last_bit_arrives()
    {
        // arrange: the far end sends one frame whose last bit reaches the NIC at 6 us
        var partition = new Partition(0, 1, [0, 0]);
        var sender = new Sender(new QueueLimit(QueueLimitUnit.Packets, 10));
        partition.Add(sender);
        partition.Add(new Sink { SendAt = 5 * SimTime.Microsecond });

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        var results = partition.Report(SimTime.Millisecond);

        // assert
        Assert.Equal([(6 * SimTime.Microsecond, 7L)], sender.Stack.Received.Select(r => (r.Time, r.Packet.FlowId)));
        Assert.Equal(1, results.Components["sender/nic0"]["rx_packets"]);
        Assert.Equal(100, results.Components["sender/nic0"]["rx_bytes"]);
    }

    [Fact]
    public void A_frame_from_the_host_must_reach_the_wire_after_the_transmit_latency_and_count_in_flight_meanwhile()
    {
        // arrange: 2 us of descriptor fetch and DMA before the transmitter; one 1000 B payload (1066 B on the wire)
        var partition = new Partition(0, 1, [0, 0]);
        var sender = new Sender(new QueueLimit(QueueLimitUnit.Packets, 10), txLatencyPs: 2 * SimTime.Microsecond);
        var sink = new Sink();
        sender.Stack.Burst.Add(new Packet { FlowId = 100, PayloadBytes = 1000, DestinationEndpoint = 1 });
        partition.Add(sender);
        partition.Add(sink);
        partition.Start();

        // act + assert: at 1 us the frame is inside the NIC, not yet queued on the link
        partition.RunUntil(SimTime.Microsecond);
        Assert.Equal(1, partition.Report(SimTime.Microsecond).Flows[100].InFlightPackets);
        Assert.Equal(0, sender.Nic.Uplink.Stats.TxPackets);
        partition.RunUntil(SimTime.Millisecond);

        // then it is serialized from 2 us and crosses 1 us of propagation
        Assert.Equal([2 * SimTime.Microsecond + 1066 * 8 * 100 + SimTime.Microsecond], sink.Arrivals.Select(a => a.Time));
    }

    [Fact]
    public void A_frame_from_the_wire_must_reach_the_host_port_after_the_receive_latency_and_count_in_flight_meanwhile()
    {
        // arrange: the frame's last bit reaches the NIC at 6 us; 3 us of DMA and interrupt follow
        var partition = new Partition(0, 1, [0, 0]);
        var sender = new Sender(new QueueLimit(QueueLimitUnit.Packets, 10), rxLatencyPs: 3 * SimTime.Microsecond);
        partition.Add(sender);
        partition.Add(new Sink { SendAt = 5 * SimTime.Microsecond });
        partition.Start();

        // act + assert: at 8 us it is inside the NIC, uncounted by it yet
        partition.RunUntil(8 * SimTime.Microsecond);
        var during = partition.Report(8 * SimTime.Microsecond);
        Assert.Equal(1, during.Flows[7].InFlightPackets);
        Assert.Equal(0, during.Components["sender/nic0"]["rx_packets"]);
        partition.RunUntil(SimTime.Millisecond);
        Assert.Equal([(9 * SimTime.Microsecond, 7L)], sender.Stack.Received.Select(r => (r.Time, r.Packet.FlowId)));
        Assert.Equal(1, partition.Report(SimTime.Millisecond).Components["sender/nic0"]["rx_packets"]);
    }
}
