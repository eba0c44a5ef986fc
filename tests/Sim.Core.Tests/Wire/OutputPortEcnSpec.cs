using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Wire;

/// <summary>
/// ECN marking of an output port: DCTCP's threshold on the instantaneous queue (packets or bytes), RED's early marks and
/// drops, and nothing at all with marking off.
/// </summary>
public sealed class OutputPortEcnSpec
{
    private static readonly DataRate Rate = new(10_000_000_000);

    /// <summary>1000 B of UDP payload: a 1046 B frame, 1066 B of line time, 852.8 ns at 10 Gb/s.</summary>
    private const int Payload = 1000;
    private const long TxPs = 1066 * 8 * 100;

    /// <summary>Owns the port: packets arrive at it at their times, and it runs the port's transmit-done timer.</summary>
    private sealed class Owner(QueueLimit limit, EcnMarking ecn, ulong seed) : LogicalProcess(0, "owner")
    {
        public OutputPort Port { get; private set; } = null!;
        public List<(long At, Packet Packet)> Arrivals { get; } = [];

        public override void Start()
        {
            Port = new OutputPort(this, 0, 0, 0, "sink", (1, 0, 0), Rate, SimTime.Microsecond, limit, ecn, seed);
            foreach (var (at, p) in Arrivals) SchedulePacket(at, 0, 0, in p);
        }

        public override void Handle(ref SimEvent e)
        {
            if (e.Kind == EventKind.Packet) Port.Enqueue(in e.Packet);
            else Port.OnTransmitDone();
        }

        public override void Report(ResultsBuilder results, long endTime) => Port.Report(results, endTime);
    }

    private sealed class Sink() : LogicalProcess(1, "sink")
    {
        public List<Packet> Received { get; } = [];
        public override void Handle(ref SimEvent e) => Received.Add(e.Packet);
        public override void Report(ResultsBuilder results, long endTime) { }
    }

    private static (Owner Owner, Sink Sink, ResultsBuilder Results) Run(QueueLimit limit, EcnMarking ecn, IEnumerable<(long At, Packet Packet)> arrivals, ulong seed = 1)
    {
        var partition = new Partition(0, 1, [0, 0]);
        var owner = new Owner(limit, ecn, seed);
        owner.Arrivals.AddRange(arrivals);
        var sink = new Sink();
        partition.Add(owner);
        partition.Add(sink);
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);
        return (owner, sink, partition.Report(SimTime.Millisecond));
    }

    private static Packet Udp(int sequence, byte ecn, int payload = Payload) =>
        new() { FlowId = 5, Sequence = sequence, PayloadBytes = payload, Headers = new PacketHeaders { Protocol = PacketHeaders.Udp, Ecn = ecn } };

    /// <summary>
    /// Eight packets at time 0, ECT(0) and not-ECT in turn (packet i finds i - 1 waiting), then an ECT(0) packet at 3.5
    /// transmissions (4 waiting) and one at 6.5 transmissions (packets 7 and 8 waiting).
    /// </summary>
    private static IEnumerable<(long, Packet)> BurstThenTwo()
    {
        for (var i = 0; i < 8; i++) yield return (0, Udp(i, i % 2 == 0 ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct));
        yield return (7 * TxPs / 2, Udp(8, EcnCodepoint.Ect0));
        yield return (13 * TxPs / 2, Udp(9, EcnCodepoint.Ect1));
    }

    private static EcnMarking Threshold(long k) => new(EcnMode.Threshold, k, null);

    [Fact]
    public void Threshold_marking_must_mark_exactly_the_ECN_capable_packets_that_find_K_or_more_waiting()
    {
        // arrange: K = 3 packets
        var limit = new QueueLimit(QueueLimitUnit.Packets, 100);

        // act
        var (owner, sink, _) = Run(limit, Threshold(3), BurstThenTwo());

        // assert: waiting at arrival 0,0,1,2,3,4,5,6 for the burst, then 4 and 2; ECT among those with >= 3: 4, 6, 8.
        // Not-ECT packets 5 and 7 find >= 3 too and go through unmarked: no early drop in this mode.
        Assert.Equal(Enumerable.Range(0, 10), sink.Received.Select(p => p.Sequence));
        Assert.Equal([4, 6, 8], sink.Received.Where(p => p.Headers.Ecn == EcnCodepoint.Ce).Select(p => p.Sequence));
        Assert.All(sink.Received.Where(p => p.Sequence % 2 == 1 && p.Sequence < 8), p => Assert.Equal(EcnCodepoint.NotEct, p.Headers.Ecn));
        Assert.Equal(EcnCodepoint.Ect1, sink.Received[9].Headers.Ecn);
        Assert.Equal(3, owner.Port.Stats.EcnMarkedPackets);
        Assert.Equal(0, owner.Port.Stats.DroppedPackets);
    }

    [Fact]
    public void Threshold_in_bytes_must_compare_the_frame_bytes_waiting()
    {
        // arrange: K = 2 frames of 1046 B plus one 64 B frame; 100 B packets (146 B frames) in between change the count, not the verdict
        var limit = new QueueLimit(QueueLimitUnit.Bytes, 100_000);
        Packet Ect(int seq, int payload) => Udp(seq, EcnCodepoint.Ect0, payload);
        var arrivals = new (long, Packet)[]
        {
            (0, Ect(0, Payload)),    // straight to the wire: sees 0
            (0, Ect(1, Payload)),    // 0 B waiting
            (0, Ect(2, Payload)),    // 1046
            (0, Ect(3, 10)),         // 2092: below 2156
            (0, Ect(4, 10)),         // 2156 = K: marked
            (0, Ect(5, Payload)),    // 2220: marked
        };

        // act
        var (owner, sink, _) = Run(limit, Threshold(2 * 1046 + 64), arrivals);

        // assert
        Assert.Equal([4, 5], sink.Received.Where(p => p.Headers.Ecn == EcnCodepoint.Ce).Select(p => p.Sequence));
        Assert.Equal(2, owner.Port.Stats.EcnMarkedPackets);
    }

    [Fact]
    public void A_packet_that_finds_the_port_idle_must_see_an_empty_queue()
    {
        // arrange: K = 0 marks every ECN-capable packet, even one that goes straight to the wire
        var arrivals = new (long, Packet)[] { (0, Udp(0, EcnCodepoint.Ect0)), (10 * TxPs, Udp(1, EcnCodepoint.NotEct)) };

        // act
        var (_, sink, _) = Run(new QueueLimit(QueueLimitUnit.Packets, 10), Threshold(0), arrivals);

        // assert
        Assert.Equal([EcnCodepoint.Ce, EcnCodepoint.NotEct], sink.Received.Select(p => p.Headers.Ecn));
    }

    [Fact]
    public void Marking_off_must_leave_every_packet_as_it_came()
    {
        // act: the traffic that threshold marking marks
        var (owner, sink, _) = Run(new QueueLimit(QueueLimitUnit.Packets, 100), EcnMarking.Off, BurstThenTwo());

        // assert
        Assert.Equal(BurstThenTwo().Select(a => a.Item2.Headers.Ecn), sink.Received.Select(p => p.Headers.Ecn));
        Assert.Equal(0, owner.Port.Stats.EcnMarkedPackets);
    }

    [Fact]
    public void Tail_drop_must_come_before_the_mark_so_a_dropped_packet_is_not_counted_as_marked()
    {
        // arrange: room for 2 waiting packets, K = 1; five ECT packets at once
        var arrivals = Enumerable.Range(0, 5).Select(i => (0L, Udp(i, EcnCodepoint.Ect0)));

        // act
        var (owner, sink, results) = Run(new QueueLimit(QueueLimitUnit.Packets, 2), Threshold(1), arrivals);

        // assert: 0 on the wire, 1 (sees 0) kept, 2 (sees 1) kept and marked, 3 and 4 tail-dropped
        Assert.Equal([0, 1, 2], sink.Received.Select(p => p.Sequence));
        Assert.Equal(1, owner.Port.Stats.EcnMarkedPackets);
        Assert.Equal(2, owner.Port.Stats.DroppedPackets);
        Assert.Equal(0, owner.Port.Stats.EarlyDroppedPackets);
        Assert.Equal(2, results.Flows[5].DroppedPackets);
    }

    [Fact]
    public void Red_must_mark_ECN_capable_packets_and_drop_the_others_early_above_its_maximum()
    {
        // arrange: w = 1 (the average is the queue), min 3, max 4; between them p_b = 0, so the verdict needs no random draw
        var red = new EcnMarking(EcnMode.Red, 0, new RedParameters(3, 4, 1, 1));
        IEnumerable<(long, Packet)> Burst(byte ecn) => Enumerable.Range(0, 10).Select(i => (0L, Udp(i, ecn)));

        // act
        var (ectPort, ectSink, _) = Run(new QueueLimit(QueueLimitUnit.Packets, 100), red, Burst(EcnCodepoint.Ect0));
        var (plainPort, plainSink, results) = Run(new QueueLimit(QueueLimitUnit.Packets, 100), red, Burst(EcnCodepoint.NotEct));

        // assert: packets 1-4 find 0-3 waiting and pass; 5-9 find 4 (an early drop leaves the queue as it was)
        Assert.Equal(10, ectSink.Received.Count);
        Assert.Equal([5, 6, 7, 8, 9], ectSink.Received.Where(p => p.Headers.Ecn == EcnCodepoint.Ce).Select(p => p.Sequence));
        Assert.Equal(5, ectPort.Port.Stats.EcnMarkedPackets);
        Assert.Equal([0, 1, 2, 3, 4], plainSink.Received.Select(p => p.Sequence));
        Assert.Equal(5, plainPort.Port.Stats.EarlyDroppedPackets);
        Assert.Equal(5, plainPort.Port.Stats.DroppedPackets);
        Assert.Equal(5 * Payload, plainPort.Port.Stats.DroppedBytes);
        Assert.Equal(5, results.Flows[5].DroppedPackets);
        Assert.Equal(0, plainPort.Port.Stats.EcnMarkedPackets);
    }
}
