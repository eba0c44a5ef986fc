using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>The congestion-control algorithms alone, driven by synthetic ACKs: NewReno (RFC 5681), CUBIC (RFC 9438) and DCTCP (RFC 8257).</summary>
public class CongestionControlSpec
{
    private const int Mss = 1000;
    private const long Ms = SimTime.Millisecond;

    [Fact]
    public void NewReno_must_grow_by_one_segment_per_ACK_in_slow_start_and_by_one_per_window_after()
    {
        var cc = new NewReno();
        var s = new CongestionState(Mss, 10 * Mss);
        // Slow start: cwnd += min(acked, SMSS) per ACK (RFC 5681 §3.1), so an ACK of two segments adds one.
        cc.OnAck(s, 2 * Mss, 0, Ms);
        Assert.Equal(11 * Mss, s.Cwnd);
        cc.OnAck(s, 500, 0, Ms);
        Assert.Equal(11 * Mss + 500, s.Cwnd);

        // Congestion avoidance: one SMSS per cwnd of acknowledged bytes (RFC 5681 §3.1, byte counting of RFC 3465).
        s.Cwnd = 20 * Mss;
        s.Ssthresh = 20 * Mss;
        for (var i = 0; i < 19; i++) cc.OnAck(s, Mss, 0, Ms);
        Assert.Equal(20 * Mss, s.Cwnd);
        cc.OnAck(s, Mss, 0, Ms);
        Assert.Equal(21 * Mss, s.Cwnd);
        for (var i = 0; i < 21; i++) cc.OnAck(s, Mss, 0, Ms);
        Assert.Equal(22 * Mss, s.Cwnd);
    }

    [Fact]
    public void NewReno_must_set_ssthresh_to_half_the_flight_and_at_least_two_segments()
    {
        var cc = new NewReno();
        var s = new CongestionState(Mss, 40 * Mss);
        Assert.Equal(15 * Mss, cc.SsthreshAfterLoss(s, 30 * Mss));
        Assert.Equal(2 * Mss, cc.SsthreshAfterLoss(s, 3 * Mss));
        Assert.Equal(15 * Mss, ((ICongestionControl)cc).WindowAfterEcnEcho(s, 30 * Mss));
    }

    /// <summary>
    /// Drives CUBIC in congestion avoidance from <paramref name="s"/> for <paramref name="seconds"/>: every round trip of <paramref name="rtt"/>
    /// the whole window is acknowledged, one segment per ACK, evenly spread. Returns the window in segments at each round trip's start.
    /// </summary>
    private static List<(double T, double Cwnd)> Run(Cubic cc, CongestionState s, double seconds, long rtt)
    {
        var trace = new List<(double, double)>();
        for (long start = 0; start < seconds * SimTime.Second; start += rtt)
        {
            trace.Add(((double)start / SimTime.Second, (double)s.Cwnd / Mss));
            var acks = s.Cwnd / Mss;
            for (var i = 0; i < acks; i++) cc.OnAck(s, Mss, start + (i + 1) * rtt / acks, rtt);
        }
        return trace;
    }

    private static double W(double t, double wMax, double k) => 0.4 * Math.Pow(t - k, 3) + wMax;

    [Fact]
    public void Cubic_must_follow_its_cubic_curve_back_to_the_window_of_the_loss()
    {
        var cc = new Cubic(0.4, 0.7);
        var s = new CongestionState(Mss, 100 * Mss) { Ssthresh = 50 * Mss };
        // The loss at 100 segments: β = 0.7, W_max = 100, K = ∛(100 · 0.3 / 0.4) = ∛75 ≈ 4.217 s. With a 100 ms round trip the curve is
        // above the Reno-friendly estimate (70 + 0.529 per round trip, 92.3 at K) all the way: CUBIC's own region (RFC 9438 §4.4).
        s.Ssthresh = cc.SsthreshAfterLoss(s, 100 * Mss);
        Assert.Equal(70 * Mss, s.Ssthresh);
        s.Cwnd = s.Ssthresh;
        var k = Math.Cbrt(75);
        var trace = Run(cc, s, 7, 100 * Ms);

        // The window tracks W(t) one round trip ahead (§4.2 sets the target W(t + RTT)): within a segment of the curve.
        Assert.All(trace.Skip(1), p => Assert.InRange(p.Cwnd, W(p.T, 100, k) - 1, W(p.T + 0.1, 100, k) + 1));
        // Concave up to K, flat at W_max around it, convex beyond: W(1) = 86.7, W(K) = 100, W(K + 2) = 103.2.
        Assert.InRange(trace.First(p => p.T >= 1).Cwnd, 86, 88.5);
        Assert.InRange(trace.First(p => p.T >= k).Cwnd, 99.5, 100.5);
        Assert.InRange(trace.First(p => p.T >= k + 2).Cwnd, 102.7, 104.5);
    }

    [Fact]
    public void Cubic_must_lower_W_max_on_a_loss_below_the_previous_one_for_fast_convergence()
    {
        var cc = new Cubic(0.4, 0.7);
        var s = new CongestionState(Mss, 1000 * Mss) { Ssthresh = 500 * Mss };
        s.Cwnd = s.Ssthresh = cc.SsthreshAfterLoss(s, 1000 * Mss);
        Run(cc, s, 2, 100 * Ms);
        // A second loss at 900 segments, below W_max = 1000: W_max = 900 (1 + β) / 2 = 765 (RFC 9438 §4.7), the window falls to 630,
        // and K = ∛((765 − 630) / 0.4) ≈ 6.96 s; without fast convergence the curve would flatten at 900 instead.
        s.Cwnd = 900 * Mss;
        s.Cwnd = s.Ssthresh = cc.SsthreshAfterLoss(s, 900 * Mss);
        Assert.InRange(s.Cwnd, 630 * Mss - 1, 630 * Mss);
        var k = Math.Cbrt(135 / 0.4);
        var trace = Run(cc, s, 9, 100 * Ms);
        Assert.InRange(trace.First(p => p.T >= k).Cwnd, 764, 766);
        Assert.All(trace.Skip(1), p => Assert.InRange(p.Cwnd, W(p.T, 765, k) - 1, W(p.T + 0.1, 765, k) + 1));
    }

    [Fact]
    public void Cubic_must_grow_at_least_as_fast_as_Reno_when_the_curve_is_slower()
    {
        // A small window and a long round trip: W_max = 10, K = ∛(3 / 0.4) ≈ 1.96 s, W(1 s) = 9.65, while the Reno-friendly estimate grows
        // by α = 3 (1 − β) / (1 + β) ≈ 0.529 segment per round trip (RFC 9438 §4.3): 7 + 10 · 0.529 ≈ 12.3 after ten 100 ms round trips.
        var cc = new Cubic(0.4, 0.7);
        var s = new CongestionState(Mss, 10 * Mss) { Ssthresh = 5 * Mss };
        s.Cwnd = s.Ssthresh = cc.SsthreshAfterLoss(s, 10 * Mss);
        Assert.Equal(7 * Mss, s.Cwnd);
        var trace = Run(cc, s, 1.05, 100 * Ms);
        Assert.InRange(trace[^1].Cwnd, 11.8, 12.6);
    }

    /// <summary>
    /// ACK number <paramref name="k"/> (from 1) of a sender that keeps ten segments in flight: it acknowledges one segment, up to 1 + k·MSS,
    /// with 1 + (10 + k)·MSS sent. The first ACK sets the window's end at 1 + 11·MSS; a window ends with the first ACK beyond its end
    /// (RFC 8257 §3.3 step 3), at k = 12, 23, 34…, so that each window after the first has eleven ACKs.
    /// </summary>
    private static void Ack(Dctcp cc, int k, bool ece) => cc.ObserveEcn(Mss, ece, 1 + (long)k * Mss, 1 + (10L + k) * Mss);

    [Fact]
    public void Dctcp_must_update_alpha_once_per_window_with_gain_one_sixteenth()
    {
        var cc = new Dctcp(1.0 / 16);
        Assert.Equal(1.0, cc.Alpha);
        var k = 1;
        for (; k <= 11; k++) Ack(cc, k, false);
        Assert.Equal(1.0, cc.Alpha);
        Ack(cc, k++, false);
        Assert.Equal(15.0 / 16, cc.Alpha, 12);
        for (; k <= 23; k++) Ack(cc, k, false);
        Assert.Equal(Math.Pow(15.0 / 16, 2), cc.Alpha, 12);

        // Five of every eleven ACKs marked: each window's fraction is 5/11, and α ← 15/16 α + 1/16 · 5/11 at each window's end.
        var expected = cc.Alpha;
        for (var window = 0; window < 100; window++)
        {
            for (var i = 0; i < 11; i++, k++) Ack(cc, k, k % 11 < 5);
            expected = 15.0 / 16 * expected + 1.0 / 16 * 5 / 11;
            Assert.Equal(expected, cc.Alpha, 12);
        }
        Assert.InRange(cc.Alpha, 5.0 / 11 - 0.001, 5.0 / 11 + 0.001);
    }

    [Fact]
    public void Dctcp_must_cut_the_window_by_alpha_over_two()
    {
        var cc = new Dctcp(1.0 / 16);
        var s = new CongestionState(Mss, 100 * Mss);
        // α = 1 at the start (Linux's DCTCP_MAX_ALPHA): half, like Reno.
        Assert.Equal(50 * Mss, cc.WindowAfterEcnEcho(s, 100 * Mss));
        // 40 unmarked windows: α = (15/16)^40 ≈ 0.076.
        for (var k = 1; k <= 1 + 11 * 40; k++) Ack(cc, k, false);
        var alpha = cc.Alpha;
        Assert.Equal(Math.Pow(15.0 / 16, 40), alpha, 12);
        Assert.Equal((long)(100 * Mss * (1 - alpha / 2)), cc.WindowAfterEcnEcho(s, 100 * Mss));
        // Never below two segments; a loss is still Reno's halving.
        s.Cwnd = 2 * Mss;
        Assert.Equal(2 * Mss, cc.WindowAfterEcnEcho(s, 2 * Mss));
        s.Cwnd = 100 * Mss;
        Assert.Equal(40 * Mss, cc.SsthreshAfterLoss(s, 80 * Mss));
    }
}
