using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>
/// Loss of data and of ACKs, reordering and duplicate ACKs: what recovers each (fast retransmit, NewReno partial ACKs, SACK, or only the
/// timer), how many segments go again, and when.
/// </summary>
public class TcpLossRecoverySpec
{
    private const long Ms = SimTime.Millisecond, Us = SimTime.Microsecond;
    private const int Mss = 1448;

    private static uint SeqOf(int segment) => (uint)(1 + segment * Mss);

    /// <summary>Drops the first sending of each of the client's data segments numbered <paramref name="segments"/> (from 0).</summary>
    internal static Func<bool, Packet, int, SegmentFate> DropFirstSending(params int[] segments)
    {
        var pending = segments.Select(SeqOf).ToHashSet();
        return (fromClient, s, _) => fromClient && s.PayloadBytes > 0 && pending.Remove(s.Tcp.Seq) ? SegmentFate.Drop : SegmentFate.Deliver;
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    [InlineData(true, 5)]
    [InlineData(false, 5)]
    public void A_lost_first_data_segment_must_be_sent_again_by_fast_retransmit_at_the_threshold_duplicate_ACK(bool sack, int threshold)
    {
        var settings = TcpSettings.Default with { Sack = sack, DuplicateAckThreshold = threshold };
        var pair = TcpPair.Transfer(200_000, settings, DropFirstSending(0));

        Assert.Equal(200_000, pair.ServerApp.Received);
        var sends = pair.ClientSendTimes(SeqOf(0));
        Assert.Equal(2, sends.Count);
        Assert.Equal(1, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        // Segments 1, 2, 3… each draw an immediate duplicate ACK (RFC 5681 §4.2). The threshold one (with SACK: the one whose blocks
        // cover that many segments above the hole less one, RFC 6675 IsLost) sends the retransmission the moment it arrives.
        var duplicates = pair.Sent.Where(s => !s.FromClient && s.Segment.Headers.TcpFlags == TcpFlags.Ack && s.Segment.Tcp.Ack == SeqOf(0)).ToList();
        Assert.All(duplicates, d => Assert.Equal(sack ? 1 : 0, d.Segment.Headers.SackBlocks));
        var trigger = duplicates[threshold - 1];
        Assert.Equal(pair.ArrivalOnIdleLink(trigger.Time, trigger.Segment), sends[1]);
        Assert.True(duplicates[threshold - 2].Time < trigger.Time);
    }

    [Theory]
    [InlineData(200, 200)]
    [InlineData(1, 1)]
    public void A_lost_last_segment_must_wait_for_the_retransmission_timeout(int minRtoMs, int expectedRtoMs)
    {
        // 21 segments; the last carries the FIN. With nothing sent after it no duplicate ACK can come: only the timer recovers it
        // (no tail-loss probe is modelled), RTO = max(min RTO, SRTT + 4 RTTVAR) after the last ACK that acknowledged new data. The other
        // 20 segments are acknowledged in pairs at once, so no delayed ACK is pending when the tail is lost.
        const int bytes = 21 * Mss;
        var settings = TcpSettings.Default with { MinRtoPs = minRtoMs * Ms };
        var pair = TcpPair.Transfer(bytes, settings, DropFirstSending(20));

        Assert.Equal(bytes, pair.ServerApp.Received);
        var sends = pair.ClientSendTimes(SeqOf(20));
        Assert.Equal(2, sends.Count);
        var lastAck = pair.Sent.Last(s => !s.FromClient && s.Time < sends[1]);
        Assert.Equal(SeqOf(20), lastAck.Segment.Tcp.Ack);
        Assert.True(lastAck.Time < 100 * Us);
        Assert.Equal(pair.ArrivalOnIdleLink(lastAck.Time, lastAck.Segment) + expectedRtoMs * Ms, sends[1]);
        Assert.Equal(1, pair.Client.Stats.Timeouts);
        Assert.Equal(0, pair.Client.Stats.FastRecoveries);
        Assert.Equal(1, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(TcpState.Closed, pair.Client.State);
    }

    [Fact]
    public void Lost_ACKs_must_be_covered_by_later_cumulative_ACKs_without_a_retransmission()
    {
        // Every other one of the server's segments 2 to 61 (after its SYN-ACK and first ACK): 30 ACKs, each followed by one that covers it.
        var pair = TcpPair.Transfer(300_000, fate: (fromClient, s, n) => !fromClient && n is >= 2 and < 62 && n % 2 == 0 ? SegmentFate.Drop : SegmentFate.Deliver);

        var serverSegments = pair.Sent.Where(s => !s.FromClient).ToList();
        Assert.All(serverSegments.Take(62).Skip(2), s => Assert.Equal(0, s.Segment.PayloadBytes));
        Assert.All(Enumerable.Range(1, 30), i => Assert.True(serverSegments[2 * i + 1].Segment.Tcp.Ack > serverSegments[2 * i].Segment.Tcp.Ack));
        Assert.Equal(300_000, pair.ServerApp.Received);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        Assert.Equal(0, pair.Client.Stats.DuplicateAcks);
        Assert.Equal(TcpState.Closed, pair.Server.State);
    }

    /// <summary>Holds the first sending of data segment 2 of the initial window until segment 2 + 1 + <paramref name="overtakenBy"/> is sent.</summary>
    private static TcpPair Reordered(int overtakenBy, bool sack)
    {
        var pair = TcpPair.Prepare(200_000, TcpSettings.Default with { Sack = sack });
        var held = false;
        pair.Fate = (fromClient, s, _) =>
        {
            if (!fromClient || s.PayloadBytes == 0) return SegmentFate.Deliver;
            if (s.Tcp.Seq == SeqOf(2) && !held)
            {
                held = true;
                return SegmentFate.Hold;
            }
            // Released just before this segment goes on the link: the segments between were overtaking it.
            if (s.Tcp.Seq == SeqOf(3 + overtakenBy)) pair.ReleaseHeld();
            return SegmentFate.Deliver;
        };
        pair.Client.Connect();
        pair.RunUntil(10 * SimTime.Second);
        Assert.True(held);
        Assert.Equal(200_000, pair.ServerApp.Received);
        return pair;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void Reordering_by_fewer_than_three_segments_must_not_trigger_a_retransmission(int overtakenBy, bool sack)
    {
        var pair = Reordered(overtakenBy, sack);

        Assert.Equal(overtakenBy, pair.Server.Stats.OutOfOrderSegments);
        Assert.Equal(overtakenBy, pair.Client.Stats.DuplicateAcks);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(0, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Server.Stats.DuplicateBytesReceived);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Reordering_by_three_segments_or_more_must_trigger_a_spurious_fast_retransmit_with_SACK(int overtakenBy)
    {
        // TCP cannot tell a segment three places late from a lost one: it retransmits and cuts its window (no DSACK undo is modelled).
        var pair = Reordered(overtakenBy, sack: true);

        Assert.Equal(1, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        Assert.Equal(Mss, pair.Server.Stats.DuplicateBytesReceived);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Reordering_by_three_segments_or_more_must_trigger_spurious_retransmissions_without_SACK(int overtakenBy)
    {
        // Without SACK it is worse: once the late segment arrives, each ACK below the recovery point is a partial ACK, and RFC 6582 §3.2
        // step 5 retransmits the next segment for each though those segments were never lost. All the retransmissions are duplicates.
        var pair = Reordered(overtakenBy, sack: false);

        Assert.True(pair.Client.Stats.RetransmittedSegments > 1, $"{pair.Client.Stats.RetransmittedSegments} retransmissions");
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        Assert.Equal(pair.Client.Stats.RetransmittedBytes, pair.Server.Stats.DuplicateBytesReceived);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void After_a_timeout_retransmissions_must_slow_start_from_one_segment(bool sack)
    {
        // 30 segments, an ACK for each; the second flight (segments 10 to 29) is lost whole, so nothing but the timer can recover it.
        // From a window of one segment each ACK adds one (RFC 5681 §3.1): 1, 2, 4 and 8 retransmissions in successive round trips, then
        // the remaining 5. The window counts each retransmission once in flight (RFC 6675 pipe).
        // No HyStart: its end of slow start would set ssthresh before the loss, and the test is about the timeout's.
        var settings = TcpSettings.Default with { DelayedAckSegments = 1, Sack = sack, CubicHyStart = false };
        var pair = TcpPair.Transfer(30 * Mss, settings, DropFirstSending(Enumerable.Range(10, 20).ToArray()));

        Assert.Equal(30 * Mss, pair.ServerApp.Received);
        Assert.Equal(1, pair.Client.Stats.Timeouts);
        Assert.Equal(20, pair.Client.Stats.RetransmittedSegments);
        var retransmissions = Enumerable.Range(10, 20).Select(i => pair.ClientSendTimes(SeqOf(i))[1]).Order().ToList();
        var rounds = new List<int> { 1 };
        for (var i = 1; i < retransmissions.Count; i++)
        {
            if (retransmissions[i] - retransmissions[i - 1] > 10 * Us) rounds.Add(0);
            rounds[^1]++;
        }
        Assert.Equal([1, 2, 4, 8, 5], rounds);
        Assert.Equal(0, pair.Server.Stats.DuplicateBytesReceived);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Two_losses_in_one_window_must_be_recovered_in_one_fast_recovery_without_a_timeout(bool sack)
    {
        // Segments 30 and 34 are sent in the same window (the slow start's third round trip has 40 segments in flight).
        var pair = TcpPair.Transfer(400_000, TcpSettings.Default with { Sack = sack }, DropFirstSending(30, 34));

        Assert.Equal(400_000, pair.ServerApp.Received);
        Assert.Equal(2, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        var first = pair.ClientSendTimes(SeqOf(30));
        var second = pair.ClientSendTimes(SeqOf(34));
        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        var rtt = pair.Client.SmoothedRttPs;
        if (sack)
        {
            // SACK shows the second hole while the first retransmission is still on its way: both go within one round trip.
            Assert.True(second[1] - first[1] < rtt, $"{second[1] - first[1]} ps apart");
        }
        else
        {
            // RFC 6582: the second hole is known only when the first retransmission's ACK, a partial ACK, arrives: one round trip later.
            var partialAck = pair.Sent.First(s => !s.FromClient && s.Time > first[1] && s.Segment.Tcp.Ack == SeqOf(34));
            Assert.Equal(pair.ArrivalOnIdleLink(partialAck.Time, partialAck.Segment), second[1]);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Five_losses_in_one_window_must_be_recovered_without_a_timeout(bool sack)
    {
        // Every other segment from 30 to 38. With SACK all five holes are known within a round trip; without, NewReno repairs one hole per
        // round trip through partial ACKs, still far inside the 200 ms timer.
        var pair = TcpPair.Transfer(400_000, TcpSettings.Default with { Sack = sack }, DropFirstSending(30, 32, 34, 36, 38));

        Assert.Equal(400_000, pair.ServerApp.Received);
        Assert.Equal(5, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        var retransmissions = new[] { 30, 32, 34, 36, 38 }.Select(i => pair.ClientSendTimes(SeqOf(i))[1]).ToList();
        var spread = retransmissions.Max() - retransmissions.Min();
        if (sack) Assert.True(spread < pair.Client.SmoothedRttPs, $"{spread} ps");
        else Assert.True(spread > 3 * pair.Client.SmoothedRttPs, $"{spread} ps");
    }

    [Fact]
    public void A_lost_retransmission_must_be_recovered_by_the_timeout()
    {
        // RFC 6675 has no way to see that a retransmission was lost too (Linux's RACK has; it is not modelled): the timer recovers it.
        var drops = 2;
        var pair = TcpPair.Transfer(400_000, fate: (fromClient, s, _) => fromClient && s.PayloadBytes > 0 && s.Tcp.Seq == SeqOf(30) && drops-- > 0
            ? SegmentFate.Drop : SegmentFate.Deliver);

        Assert.Equal(400_000, pair.ServerApp.Received);
        var sends = pair.ClientSendTimes(SeqOf(30));
        Assert.Equal(3, sends.Count);
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(1, pair.Client.Stats.Timeouts);
        // Sending the first unacknowledged segment again restarts the timer (as Linux's tcp_xmit_retransmit_queue does), and no ACK of new
        // data comes after it: the timeout is 200 ms (the minimum) after the fast retransmission.
        Assert.Equal(sends[1] + 200 * Ms, sends[2]);
    }
}
