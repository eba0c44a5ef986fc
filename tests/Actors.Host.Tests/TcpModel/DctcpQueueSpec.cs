using DcSim.ActorsHost.Tcp;
using Xunit;
using Xunit.Abstractions;

namespace DcSim.ActorsHost.Tests.TcpModel;

/// <summary>
/// DCTCP (RFC 8257) against its analysis: N long flows from hosts 1..N into host 0 on one leaf, every link 10 Gb/s 1 us, the
/// receiver's switch port marking CE at K packets (tools/ns3-tcp scenario `dctcp`). Alizadeh et al. (SIGCOMM 2010, §3.3) model N
/// synchronised senders: the queue peaks at Q_max = K + N (each sender adds one segment in the RTT after the queue crosses K) and
/// falls by the amplitude A = ½·√(2N(C·RTT + K)) packets, so it swings between Q_max − A and Q_max, with period T_C = ½·√(2(C·RTT + K)/N)
/// RTTs. These formulas are quoted from the paper as tools/ns3-tcp/README.md applies them (it measured ns-3 against them); the stored
/// calibration notes (calibration.md §9.1b) do not quote §3.3, so they were not checked against a stored copy of the paper here.
/// DcSim writes no queue time series, and links.csv's largest queue is slow start's overshoot, so the steady queue is read from the flows'
/// sampled windows (see the test); the period is checked through the count of window reductions, one per flow per cycle in the model.
/// </summary>
public sealed class DctcpQueueSpec(ITestOutputHelper output)
{
    /// <summary>
    /// C·RTT of the idle path in 1538 B data frames: 4 propagation delays of 1 us, and a data frame (1538 B on the wire) and an ACK
    /// (90 B) each stored and forwarded over 2 hops at 10 Gb/s — 5.37 packets (tools/ns3-tcp: "C·RTT ≈ 5.4 packets here").
    /// </summary>
    private const double CapacityRttPackets = (4e-6 + 2 * (1538 + 90) * 8 / 10e9) * 10e9 / (1538 * 8);

    private static string Scenario(string cc, int flows, int limit, string ecn, string trace = "\"\"", string duration = "50ms") => $$"""
        duration = {{duration}}
        topology {
          spines = 1
          leaves = 1
          hosts-per-leaf = {{flows + 1}}
          switch-queue { limit = {{limit}}, unit = packets, ecn { {{ecn}} } }
        }
        servers.stack-costs = free
        tcp { congestion-control = {{cc}}, delayed-ack-segments = 1 }
        traffic.generators = [ { kind = tcp-bulk, hosts = ["1-{{flows}}"], destination = fixed, target = 0, tcp-bulk.cwnd-trace = {{trace}} } ]
        """;

    private (double Mean, long Max, double Utilisation, long Marks, long Drops) Measure(string cc, int flows, int limit, string ecn)
    {
        var run = TcpRun.Of(Scenario(cc, flows, limit, ecn));
        var port = run.Link("leaf0", "host0");
        var mean = port.QueueMeanPackets(run.Scenario.DurationPs);
        var utilisation = port.Utilisation(run.Scenario.DurationPs);
        output.WriteLine($"{cc} N={flows} limit={limit} ecn {{ {ecn} }}: queue mean {mean:F2} max {port.QueueMaxPackets}, utilisation {utilisation:F4}, " +
            $"marks {port.EcnMarkedPackets}, drops {port.DroppedPackets}, timeouts {run.Total(TcpResults.Timeouts)}, ECN reductions {run.Total(TcpResults.EcnReductions)}");
        return (mean, port.QueueMaxPackets, utilisation, port.EcnMarkedPackets, port.DroppedPackets);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(65)]
    public void Dctcp_must_hold_the_queue_near_K_at_line_rate_where_cubic_fills_the_buffer(int k)
    {
        // act
        var dctcp = Measure("dctcp", 2, 250, $"mode = threshold, threshold = {k}");
        var cubic = Measure("cubic", 2, 250, "mode = off");

        // assert: DCTCP sits at K without a loss; the same flows with CUBIC and tail drop fill the buffer
        Assert.InRange(dctcp.Mean, 0.85 * k, 1.15 * k);
        Assert.True(dctcp.Utilisation >= 0.95, $"utilisation {dctcp.Utilisation:F4}");
        Assert.True(dctcp.Marks > 0);
        Assert.Equal(0, dctcp.Drops);
        Assert.True(cubic.Mean > 2.5 * dctcp.Mean, $"CUBIC's mean queue {cubic.Mean:F1} against DCTCP's {dctcp.Mean:F1}");
        Assert.True(cubic.Drops > 0, "CUBIC must overflow the buffer");
        Assert.Equal(250, cubic.Max);
    }

    [Theory]
    [InlineData(20, 2)]
    [InlineData(20, 8)]
    [InlineData(65, 2)]
    [InlineData(65, 8)]
    public void Dctcp_queue_must_oscillate_between_the_bounds_and_at_the_period_of_the_SIGCOMM_analysis(int k, int n)
    {
        // arrange
        var qMax = k + n;
        var amplitude = 0.5 * Math.Sqrt(2 * n * (CapacityRttPackets + k));
        var ecn = $"mode = threshold, threshold = {k}";

        // act: the same deterministic run to 10 ms and to 50 ms; their difference is the steady state after slow start
        var warm = TcpRun.Of(Scenario("dctcp", n, 250, ecn, "1us", "10ms"));
        var run = TcpRun.Of(Scenario("dctcp", n, 250, ecn, "1us", "50ms"));

        // assert: links.csv's largest queue is slow start's overshoot, so the steady queue is read from the windows. With the port always
        // busy, the packets on the wires are constant, so the queue is the sum of the windows less a constant, which the mean queue gives.
        var steadyPs = run.Scenario.DurationPs - warm.Scenario.DurationPs;
        var port = run.Link("leaf0", "host0");
        var meanQueue = (double)(port.QueuePacketPs - warm.Link("leaf0", "host0").QueuePacketPs) / steadyPs;
        var windows = SummedWindows(run, warm.Scenario.DurationPs);
        var onTheWires = windows.Average() - meanQueue;
        var queue = windows.Select(w => w - onTheWires).Order().ToList();
        var peak = queue[^1];
        var swing = queue[(int)(0.99 * (queue.Count - 1))] - queue[(int)(0.01 * (queue.Count - 1))];
        var reductions = run.Total(TcpResults.EcnReductions) - warm.Total(TcpResults.EcnReductions);
        var rttPs = (CapacityRttPackets + meanQueue) * 1538 * 8 * 100;
        var periodPs = 0.5 * Math.Sqrt(2 * (CapacityRttPackets + k) / n) * rttPs;
        var expectedReductions = n * steadyPs / periodPs;
        output.WriteLine($"K={k} N={n}: C·RTT {CapacityRttPackets:F2} packets; mean queue {meanQueue:F2} (theory [{qMax - amplitude:F2}, {qMax}]); " +
            $"peak {peak:F2} (theory K+N = {qMax}); swing p1..p99 {swing:F2} (theory A = {amplitude:F2}); window reductions {reductions} " +
            $"(theory N x steady time / T_C = {expectedReductions:F0}, T_C {periodPs / 1e6:F1} us); links.csv max {port.QueueMaxPackets}, drops {port.DroppedPackets}");
        Assert.InRange(meanQueue, qMax - amplitude - 1, qMax);
        Assert.InRange(peak, qMax - 3, qMax + 3);
        Assert.InRange(swing / amplitude, 0.75, 1.3);
        Assert.InRange(reductions / expectedReductions, 0.7, 1.3);
        Assert.Equal(0, port.DroppedPackets);
    }

    /// <summary>The sum of every flow's congestion window, in segments, at each 1 us sample after <paramref name="fromPs"/>.</summary>
    private static List<double> SummedWindows(TcpRun run, long fromPs)
    {
        var flows = run.Results.Series.Where(s => s.Key.StartsWith("cwnd/", StringComparison.Ordinal)).Select(s => s.Value.ToDictionary(p => p.Time, p => p.Value)).ToList();
        return flows[0].Keys.Where(t => t >= fromPs && flows.All(f => f.ContainsKey(t))).Order().Select(t => flows.Sum(f => f[t]) / 1448.0).ToList();
    }
}
