using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.SimCore.Tests.Components;

/// <summary>Components inside one LP: wiring both ways, hops with and without latency, timers, counters and the census.</summary>
public sealed class ComponentLpSpec
{
    /// <summary>Sends its packets at time 0 through port 0, the first one with no latency, the rest 5 ns apart.</summary>
    private sealed class Source(string path) : Component(path)
    {
        public override string Kind => "source";

        public List<Packet> ToSend { get; } = [];
        public List<(long Time, int Port, long Flow)> Received { get; } = [];
        public override void Start() => SetTimer(0, 3, token: 42);
        public override void Receive(int port, in Packet packet) => Received.Add((Now, port, packet.FlowId));
        public override void OnTimer(int timer, int token, in Packet carried)
        {
            Assert.Equal((3, 42), (timer, token));
            for (var i = 0; i < ToSend.Count; i++)
            {
                if (i == 0) Emit(0, ToSend[i]);
                else EmitAt(Now + i * 5_000, 0, ToSend[i]);
            }
        }
    }

    /// <summary>Echoes every packet back through the port it came in on after 1 µs, holding it in a timer meanwhile.</summary>
    private sealed class Echo(string path) : Component(path)
    {
        public override string Kind => "echo";

        public List<(long Time, int Port, long Flow)> Received { get; } = [];
        private int _held;
        public override void Receive(int port, in Packet packet)
        {
            Received.Add((Now, port, packet.FlowId));
            _held++;
            SetTimer(Now + SimTime.Microsecond, port, 0, in packet);
        }
        public override void OnTimer(int timer, int token, in Packet carried)
        {
            _held--;
            Emit(timer, in carried);
        }
        public override void WriteCounters(ComponentCounters counters, long now) => counters["held"] = _held;
    }

    private static (ComponentLp Lp, Source Source, Echo Echo, Partition Partition) Build()
    {
        var partition = new Partition(0, 1, [0]);
        var lp = new ComponentLp(0, "box");
        var source = lp.Add(new Source("box/source"));
        var echo = lp.Add(new Echo("box/echo"));
        lp.Connect(source, 0, echo, 2);
        partition.Add(lp);
        return (lp, source, echo, partition);
    }

    [Fact]
    public void Packets_must_cross_wired_ports_in_both_directions_at_their_hop_times()
    {
        // arrange
        var (_, source, echo, partition) = Build();
        source.ToSend.AddRange([new Packet { FlowId = 1 }, new Packet { FlowId = 2 }]);

        // act
        partition.Start();
        partition.RunUntil(SimTime.Millisecond);

        // assert: flow 1 at once, flow 2 after its 5 ns hop; both back 1 us later on source port 0
        Assert.Equal([(0L, 2, 1L), (5_000L, 2, 2L)], echo.Received);
        Assert.Equal([(SimTime.Microsecond, 0, 1L), (SimTime.Microsecond + 5_000, 0, 2L)], source.Received);
    }

    [Fact]
    public void The_census_must_count_packets_between_components_in_flight_but_not_packets_held_by_a_timer()
    {
        // arrange: stop at 2 ns: flow 1 is held by the echo's timer, flow 2 still travels to it
        var (lp, source, _, partition) = Build();
        source.ToSend.AddRange([new Packet { FlowId = 1, PayloadBytes = 10 }, new Packet { FlowId = 2, PayloadBytes = 20 }]);

        // act
        partition.Start();
        partition.RunUntil(2_000);
        var results = partition.Report(2_000);
        var snapshot = new ResultsBuilder();
        lp.Snapshot(snapshot);

        // assert
        Assert.Equal(1, results.Flows[2].InFlightPackets);
        Assert.False(results.Flows.ContainsKey(1));
        Assert.Equal(1, results.Components["box/echo"]["held"]);
        Assert.Equal("echo", snapshot.Components["box/echo"].Kind);
        Assert.Equal(1, results.EventsByLp["box"]);
    }

    [Fact]
    public void An_unwired_port_and_a_port_wired_twice_must_be_refused()
    {
        var lp = new ComponentLp(0, "box");
        var a = lp.Add(new Echo("box/a"));
        var b = lp.Add(new Echo("box/b"));
        lp.Connect(a, 0, b, 0);
        Assert.Throws<InvalidOperationException>(() => lp.Connect(a, 0, b, 1));
        var error = Assert.Throws<InvalidOperationException>(() => lp.PeerOf(a, 5));
        Assert.Contains("box/a has nothing wired to its port 5", error.Message);
    }

    [Fact]
    public void Wires_made_from_a_high_port_down_must_hold_only_the_wired_ports_and_lead_where_they_were_wired()
    {
        // arrange: a's ports 3, then 1 (the array grows at its front), b's port 2 only
        var lp = new ComponentLp(0, "box");
        var a = lp.Add(new Echo("box/a"));
        var b = lp.Add(new Echo("box/b"));
        var c = lp.Add(new Echo("box/c"));
        lp.Connect(a, 3, b, 2);
        lp.Connect(a, 1, c, 0);

        // act
        var wiresOfA = lp.WiresOf(a).ToList();

        // assert: a's table covers ports 1..3, b's port 2 alone (no empty slots below a first wired port)
        Assert.Equal([(1, (Component)c, 0), (3, b, 2)], wiresOfA);
        Assert.Equal(3, a.WireSpan);
        Assert.Equal(1, b.WireSpan);
        Assert.Equal((a, 3), lp.PeerOf(b, 2));
        Assert.Equal((a, 1), lp.PeerOf(c, 0));
        Assert.Throws<InvalidOperationException>(() => lp.PeerOf(a, 0));
        Assert.Throws<InvalidOperationException>(() => lp.PeerOf(a, 2));
        lp.Disconnect(a, 3);
        Assert.Throws<InvalidOperationException>(() => lp.PeerOf(b, 2));
        Assert.Equal((c, 0), lp.PeerOf(a, 1));
    }

    [Fact]
    public void An_LP_must_list_its_output_ports_in_the_order_they_were_made_whether_it_has_none_one_or_several()
    {
        // arrange: a host keeps its one port in place of an array, a switch an array of its ports
        var lp = new ComponentLp(0, "box");
        var none = lp.OutputPorts.ToList();
        var limit = new QueueLimit(QueueLimitUnit.Packets, 10);
        OutputPort Port(string peer, int lp2) => new(lp, 0, 0, 0, peer, (lp2, 0, 0), new DataRate(1_000_000_000), SimTime.Microsecond, limit);

        // act
        var first = Port("a", 1);
        var one = lp.OutputPorts.Select(p => p.Point).ToList();
        Port("b", 2);
        Port("c", 3);

        // assert
        Assert.Empty(none);
        Assert.Equal(["box->a"], one);
        Assert.Same(first, lp.OutputPorts[0]);
        Assert.Equal(["box->a", "box->b", "box->c"], lp.OutputPorts.Select(p => p.Point));
    }
}
