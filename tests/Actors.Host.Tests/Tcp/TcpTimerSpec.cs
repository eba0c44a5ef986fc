using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>The retransmission timer (RFC 6298): its value from SRTT and RTTVAR, its bounds, its backoff, and Karn's rule.</summary>
public class TcpTimerSpec
{
    private const long Ms = SimTime.Millisecond, Us = SimTime.Microsecond, S = SimTime.Second;
    private const byte SynAck = TcpFlags.Syn | TcpFlags.Ack;

    [Fact]
    public void The_RTO_must_follow_the_RFC_6298_formulas()
    {
        var rtt = new RttEstimator(minRtoPs: 1 * Ms, maxRtoPs: 120 * S, initialRtoPs: 1 * S);
        Assert.Equal(1 * S, rtt.RtoPs);

        // First sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR (§2.2).
        rtt.Sample(100 * Ms);
        Assert.Equal(100 * Ms, rtt.SmoothedPs);
        Assert.Equal(50 * Ms, rtt.VariancePs);
        Assert.Equal(300 * Ms, rtt.RtoPs);

        // Next sample R': RTTVAR = 3/4 RTTVAR + 1/4 |SRTT − R'|, then SRTT = 7/8 SRTT + 1/8 R' (§2.3).
        rtt.Sample(200 * Ms);
        Assert.Equal(62_500 * Us, rtt.VariancePs);
        Assert.Equal(112_500 * Us, rtt.SmoothedPs);
        Assert.Equal(362_500 * Us, rtt.RtoPs);

        // Each expiry doubles it (§5.5), up to the maximum; a new sample ends the backoff.
        rtt.Expired();
        Assert.Equal(725 * Ms, rtt.RtoPs);
        rtt.Expired();
        rtt.Expired();
        Assert.Equal(2900 * Ms, rtt.RtoPs);
        for (var i = 0; i < 40; i++) rtt.Expired();
        Assert.Equal(120 * S, rtt.RtoPs);
        rtt.Sample(112_500 * Us);
        Assert.Equal(0, rtt.Backoff);
        Assert.Equal(112_500 * Us + 4 * (3 * 62_500 * Us / 4), rtt.RtoPs);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(1000)]
    public void A_backed_off_RTO_must_stay_at_the_maximum_however_many_times_it_expires(int minRtoMs)
    {
        // A peer that is gone: the timer keeps expiring (no retry limit is modelled). Doubling 200 ms 26 times overflows 64 bits.
        var rtt = new RttEstimator(minRtoPs: minRtoMs * Ms, maxRtoPs: 120 * S, initialRtoPs: 1 * S);
        rtt.Sample(20 * SimTime.Microsecond);
        var previous = rtt.RtoPs;
        for (var expiry = 1; expiry <= 40; expiry++)
        {
            rtt.Expired();
            Assert.InRange(rtt.RtoPs, previous, 120 * S);
            previous = rtt.RtoPs;
        }
        Assert.Equal(120 * S, previous);
    }

    [Fact]
    public void The_RTO_must_be_held_at_the_minimum_when_the_formula_gives_less()
    {
        var rtt = new RttEstimator(minRtoPs: 200 * Ms, maxRtoPs: 120 * S, initialRtoPs: 1 * S);
        rtt.Sample(20 * Us);
        Assert.Equal(200 * Ms, rtt.RtoPs);
        rtt.Expired();
        Assert.Equal(400 * Ms, rtt.RtoPs);
    }

    private static TcpSettings Settings(long minRtoPs) => TcpSettings.Default with { MinRtoPs = minRtoPs, DelayedAckSegments = 1 };

    /// <summary>The handshake's round trip as the client measures it: its SYN out, the SYN-ACK back.</summary>
    private static long HandshakeRtt(TcpPair pair)
    {
        var synAck = pair.WithFlags(fromClient: false, SynAck).First();
        return pair.ArrivalOnIdleLink(synAck.Time, synAck.Segment) - pair.Sent[0].Time;
    }

    /// <summary>The round trip of the client's data segment sent at <paramref name="sentAt"/>: to the arrival of the server's next segment, its ACK.</summary>
    private static long DataRtt(TcpPair pair, long sentAt)
    {
        var ack = pair.Sent.First(s => !s.FromClient && s.Time >= sentAt);
        return pair.ArrivalOnIdleLink(ack.Time, ack.Segment) - sentAt;
    }

    private static long RtoAfter(long firstSample, long secondSample)
    {
        var variance = (3 * (firstSample / 2) + Math.Abs(firstSample - secondSample)) / 4;
        var smoothed = (7 * firstSample + secondSample) / 8;
        return smoothed + 4 * variance;
    }

    [Fact]
    public void A_connection_must_set_its_RTO_from_the_measured_round_trips()
    {
        // 50 ms each way: the handshake measures R ≈ 100 ms and RTO = 3R; the first data segment's ACK gives the second sample.
        var pair = TcpPair.Prepare(0, Settings(1 * Ms), delayPs: 50 * Ms);
        pair.ClientApp.OnConnected = c => c.Write(1000);
        pair.Client.Connect();
        pair.RunUntil(150 * Ms);
        var r = HandshakeRtt(pair);
        Assert.InRange(r, 100 * Ms, 101 * Ms);
        Assert.Equal(r, pair.Client.SmoothedRttPs);
        Assert.Equal(r + 4 * (r / 2), pair.Client.RtoPs);

        pair.RunUntil(1 * S);
        var dataSentAt = pair.ClientSendTimes(1).Single();
        var r2 = DataRtt(pair, dataSentAt);
        Assert.Equal(RtoAfter(r, r2), pair.Client.RtoPs);
        Assert.Equal((7 * r + r2) / 8, pair.Client.SmoothedRttPs);
    }

    [Fact]
    public void A_segment_lost_again_and_again_must_be_retransmitted_with_a_doubling_timeout()
    {
        var drops = 3;
        var pair = TcpPair.Prepare(0, Settings(200 * Ms));
        pair.Fate = (fromClient, s, _) => fromClient && s.PayloadBytes > 0 && drops-- > 0 ? SegmentFate.Drop : SegmentFate.Deliver;
        pair.ClientApp.OnConnected = c => c.Write(1000);
        pair.Client.Connect();
        pair.RunUntil(2 * S);

        var sends = pair.ClientSendTimes(1);
        var t0 = sends[0];
        Assert.Equal([t0, t0 + 200 * Ms, t0 + 600 * Ms, t0 + 1400 * Ms], sends);
        Assert.Equal(3, pair.Client.Stats.Timeouts);
        Assert.Equal(1000, pair.ServerApp.Received);
        // Karn: the ACK of a retransmitted segment gives no sample, so the backed-off RTO stays (200 ms · 2³) and SRTT is the handshake's.
        Assert.Equal(HandshakeRtt(pair), pair.Client.SmoothedRttPs);
        Assert.Equal(1600 * Ms, pair.Client.RtoPs);

        // The next segment is never retransmitted: its sample ends the backoff.
        pair.Client.Write(1000);
        pair.RunUntil(3 * S);
        Assert.Equal(200 * Ms, pair.Client.RtoPs);
        var r = HandshakeRtt(pair);
        Assert.Equal((7 * r + DataRtt(pair, pair.ClientSendTimes(1001).Single())) / 8, pair.Client.SmoothedRttPs);
    }

    [Fact]
    public void An_ACK_that_may_answer_either_sending_must_give_no_RTT_sample()
    {
        // 5 ms each way and a 1 ms minimum: R ≈ 10 ms, RTO = 3R ≈ 30 ms. The first data segment is held and let go 4 ms before the timer
        // expires: its ACK comes back 6 ms after the retransmission. Timing it from the retransmission would give 6 ms for a 10 ms path.
        var pair = TcpPair.Prepare(0, Settings(1 * Ms), delayPs: 5 * Ms);
        var held = false;
        pair.Fate = (fromClient, s, _) =>
        {
            if (!fromClient || s.PayloadBytes == 0 || held) return SegmentFate.Deliver;
            held = true;
            pair.At(pair.Now + pair.Client.RtoPs - 4 * Ms, pair.ReleaseHeld);
            return SegmentFate.Hold;
        };
        pair.ClientApp.OnConnected = c => c.Write(1000);
        pair.Client.Connect();
        pair.RunUntil(500 * Ms);

        var r = HandshakeRtt(pair);
        var rto = r + 4 * (r / 2);
        var sends = pair.ClientSendTimes(1);
        Assert.Equal([sends[0], sends[0] + rto], sends);
        var firstAck = pair.Sent.First(s => !s.FromClient && s.Time > sends[0]);
        Assert.InRange(pair.ArrivalOnIdleLink(firstAck.Time, firstAck.Segment) - sends[1], 5 * Ms, 7 * Ms);
        Assert.Equal(r, pair.Client.SmoothedRttPs);
        Assert.Equal(2 * rto, pair.Client.RtoPs);
        Assert.Equal(1000, pair.Server.Stats.DuplicateBytesReceived);

        pair.Client.Write(1000);
        pair.RunUntil(1 * S);
        Assert.Equal(RtoAfter(r, DataRtt(pair, pair.ClientSendTimes(1001).Single())), pair.Client.RtoPs);
    }

    [Theory]
    [InlineData(40, 2)]
    [InlineData(5, 2)]
    [InlineData(40, 1)]
    public void A_lone_segment_must_be_acknowledged_after_the_delayed_ACK_timeout_and_a_second_one_at_once(int timeoutMs, int segments)
    {
        // One segment of 1000 B on an idle connection, then 2000 B (two segments) half a second later.
        var pair = TcpPair.Prepare(0, TcpSettings.Default with { DelayedAckTimeoutPs = timeoutMs * Ms, DelayedAckSegments = segments });
        pair.ClientApp.OnConnected = _ => { };
        pair.Client.Connect();
        pair.At(S / 2, () => pair.Client.Write(1000));
        pair.At(1 * S, () => pair.Client.Write(2000));
        pair.RunUntil(2 * S);

        var lone = pair.DataSegments(fromClient: true)[0];
        var ackOfLone = pair.Sent.First(s => !s.FromClient && s.Segment.Tcp.Ack == 1001);
        var arrival = pair.ArrivalOnIdleLink(lone.Time, lone.Segment);
        Assert.Equal(segments == 1 ? arrival : arrival + timeoutMs * Ms, ackOfLone.Time);

        var pairOfSegments = pair.DataSegments(fromClient: true).Where(s => s.Time >= 1 * S).ToList();
        Assert.Equal([1448, 552], pairOfSegments.Select(s => s.Segment.PayloadBytes));
        var acks = pair.Sent.Where(s => !s.FromClient && s.Time >= 1 * S).ToList();
        // Every second full-sized segment is acknowledged at once (RFC 5681 §4.2, Linux's behaviour): here, on the second's arrival.
        Assert.Equal(segments == 1 ? 2 : 1, acks.Count);
        Assert.Equal(3001u, acks[^1].Segment.Tcp.Ack);
        // The second left right behind the first: it arrives one transmission time (at 10 Gb/s) after it.
        var secondArrival = pair.ArrivalOnIdleLink(pairOfSegments[0].Time, pairOfSegments[0].Segment)
            + new DataRate(10_000_000_000).TransmitTime(Ethernet.WireBytes(pairOfSegments[1].Segment));
        Assert.Equal(secondArrival, acks[^1].Time);
    }
}
