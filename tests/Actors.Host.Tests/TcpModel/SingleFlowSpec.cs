using DcSim.ActorsHost.Tcp;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.TcpModel;

/// <summary>
/// One long NewReno flow through a 1 Gb/s bottleneck (issue 10, "against theory"; tools/ns3-tcp scenario `single` a2): host 0 on leaf 0
/// sends to host 1 on leaf 1 over 10 Gb/s host links and a 1 Gb/s leaf uplink whose 100-packet queue is far above the path's
/// bandwidth-delay product (~25 us x 1 Gb/s, about 2 segments). Additive increase and multiplicative decrease must then keep the queue
/// between ~50 and ~100 packets, so the uplink never idles, and the window must saw between ~50 and ~100 segments (ns-3 3.37: 20
/// fast recoveries per second, goodput 100 % of the 1448-of-1538-byte framing ceiling).
/// </summary>
public sealed class SingleFlowSpec(ITestOutputHelper output)
{
    private const double FramingCeilingBps = 1e9 * 1448 / 1538;

    private static string Scenario(string duration) => $$"""
        duration = {{duration}}
        topology {
          spines = 1
          leaves = 2
          hosts-per-leaf = 1
          host-link { rate = 10Gbps, delay = 1us }
          fabric-link { rate = 1Gbps, delay = 1us }
          switch-queue { limit = 100, unit = packets }
        }
        servers.stack-costs = free
        tcp { congestion-control = newreno, delayed-ack-segments = 1 }
        traffic.generators = [ { kind = tcp-bulk, hosts = [0], destination = fixed, target = 1, tcp-bulk.cwnd-trace = 500us } ]
        """;

    [Fact]
    public void A_NewReno_flow_must_keep_a_one_BDP_buffered_bottleneck_busy_with_a_sawtooth_window()
    {
        // act: the same deterministic run to 100 ms and to 500 ms, so that their difference is the steady state after the ramp-up
        var early = TcpRun.Of(Scenario("100ms"));
        var run = TcpRun.Of(Scenario("500ms"));

        // assert: the uplink is busy all the time after the ramp-up
        var uplink = run.Link("leaf0", "spine0");
        var steadyUtilisation = (double)(uplink.BusyPs - early.Link("leaf0", "spine0").BusyPs) / (400 * 1e9);
        var flow = Assert.Single(run.Connections);
        var goodputBps = flow[TcpResults.BytesReceived] * 8 / run.Seconds;
        var cwnd = run.SingleCwndSeries().Where(p => p.Time >= 100 * 1_000_000_000L).Select(p => p.Value / 1448.0).ToList();
        var halvings = cwnd.Zip(cwnd.Skip(1)).Count(p => p.Second < 0.75 * p.First);
        output.WriteLine($"utilisation after 100 ms {steadyUtilisation:F5}, whole run {uplink.Utilisation(run.Scenario.DurationPs):F5}; goodput {goodputBps / 1e9:F4} Gb/s " +
            $"({goodputBps / FramingCeilingBps:P2} of the framing ceiling); queue mean {uplink.QueueMeanPackets(run.Scenario.DurationPs):F1} max {uplink.QueueMaxPackets}; " +
            $"drops {uplink.DroppedPackets}; fast recoveries {flow[TcpResults.FastRecoveries]}, timeouts {flow[TcpResults.Timeouts]}; cwnd after 100 ms " +
            $"{cwnd.Min():F1}..{cwnd.Max():F1} segments, {halvings} halvings");
        Assert.True(steadyUtilisation >= 0.99, $"bottleneck utilisation after the ramp-up {steadyUtilisation:F4}");
        Assert.True(goodputBps >= 0.93e9, $"goodput {goodputBps / 1e9:F4} Gb/s");
        Assert.True(goodputBps <= FramingCeilingBps, $"goodput {goodputBps / 1e9:F4} Gb/s is above the framing ceiling");

        // assert: a sawtooth — repeated halvings by fast recovery, never a timeout, the window between ~50 and ~100 segments (queue + BDP)
        Assert.Equal(0, flow[TcpResults.Timeouts]);
        Assert.InRange(flow[TcpResults.FastRecoveries], 5, 20);
        Assert.InRange(halvings, 4, 16);
        Assert.InRange(cwnd.Max(), 95, 110);
        Assert.InRange(cwnd.Min(), 45, 60);
        Assert.InRange(uplink.QueueMaxPackets, 99, 100);
    }
}
