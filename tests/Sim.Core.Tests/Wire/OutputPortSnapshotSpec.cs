using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Wire;

/// <summary>A partition's snapshot between windows shows every link as it stands then, and leaves the run's results as they were.</summary>
public sealed class OutputPortSnapshotSpec
{
    private static readonly DataRate Rate = new(10_000_000_000);

    /// <summary>1000 B of UDP payload: 1066 B of line time, 852.8 ns at 10 Gb/s.</summary>
    private const long TxPs = 1066 * 8 * 100;

    private sealed class Owner() : LogicalProcess(0, "owner")
    {
        public OutputPort Port { get; private set; } = null!;

        public override void Start()
        {
            Port = new OutputPort(this, 0, 0, 0, "sink", (1, 0, 0), Rate, SimTime.Microsecond, new QueueLimit(QueueLimitUnit.Packets, 100),
                new EcnMarking(EcnMode.Off, 0, null), 1);
            for (var i = 0; i < 8; i++)
                SchedulePacket(0, 0, 0, new Packet { FlowId = 5, Sequence = i, PayloadBytes = 1000, Headers = new PacketHeaders { Protocol = PacketHeaders.Udp } });
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
        public override void Handle(ref SimEvent e) { }
        public override void Report(ResultsBuilder results, long endTime) { }
    }

    private static Partition Started()
    {
        var partition = new Partition(0, 1, [0, 0]);
        partition.Add(new Owner());
        partition.Add(new Sink());
        partition.Start();
        return partition;
    }

    [Fact]
    public void Snapshot_must_show_the_link_with_its_queue_integral_up_to_the_window_end_and_change_no_result()
    {
        // arrange: eight frames at time 0; the window ends 1 ps after the third transmission started (5 then wait)
        var snapshotted = Started();
        var plain = Started();
        var windowEnd = 2 * TxPs + 1;

        // act
        snapshotted.RunUntil(windowEnd);
        var link = Assert.Single(snapshotted.SnapshotCounters().Links.Values);
        snapshotted.RunUntil(SimTime.Millisecond);
        plain.RunUntil(windowEnd);
        plain.RunUntil(SimTime.Millisecond);

        // assert: 7 waiting for one transmission, 6 for the next, 5 for the last picosecond
        Assert.Equal(("owner", "sink", 3L), (link.From, link.To, link.TxPackets));
        Assert.Equal((Int128)(7 * TxPs + 6 * TxPs + 5), link.QueuePacketPs);
        Assert.Equal(ResultsCodec.Encode(plain.Report(SimTime.Millisecond)), ResultsCodec.Encode(snapshotted.Report(SimTime.Millisecond)));
    }
}
