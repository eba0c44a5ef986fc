using DcSim.ActorsHost.Tcp;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>The sender's RFC 6675 scoreboard: SACK marks, IsLost, the pipe, and which segment may give an RTT sample.</summary>
public class RetransmissionQueueSpec
{
    private const int Mss = 1000;

    /// <summary>Five segments of 1000 B from byte 1, sent at times 10, 20, … 50.</summary>
    private static RetransmissionQueue Five()
    {
        var q = new RetransmissionQueue();
        for (var i = 0; i < 5; i++) q.Add(1 + i * Mss, Mss, fin: false, now: 10 * (i + 1));
        return q;
    }

    [Fact]
    public void The_pipe_must_count_outstanding_bytes_less_SACKed_and_lost_and_a_retransmission_once()
    {
        var q = Five();
        Assert.Equal(5000, q.Pipe);

        // Only segments wholly inside a block count as SACKed (RFC 6675 §2: a partly covered one is not).
        Assert.True(q.Sack(1500, 5001));
        Assert.Equal(3000, q.SackedBytes);
        Assert.Equal(2000, q.Pipe);
        Assert.False(q.Sack(3001, 5001));

        // Three segments SACKed above the first two: more than (DupThresh − 1) · SMSS = 2000 B, so both are lost.
        Assert.True(q.MarkLostBySack(2 * Mss));
        Assert.Equal(2000, q.LostBytes);
        Assert.Equal(0, q.Pipe);
        Assert.Equal(0, q.FirstLost());

        // The retransmission of a lost segment is in flight once (RFC 6675 SetPipe: a lost octet counts only for its retransmission).
        q.Retransmitted(0, now: 100);
        Assert.Equal(1000, q.RetransmitInFlightBytes);
        Assert.Equal(1000, q.Pipe);
        Assert.Equal(1, q.FirstLost());
        q.Retransmitted(1, now: 100);
        Assert.Equal(2000, q.Pipe);
        Assert.Equal(-1, q.FirstLost());
        // A retransmission in flight is not lost again by SACK alone.
        Assert.False(q.MarkLostBySack(2 * Mss));
    }

    [Fact]
    public void A_segment_must_be_lost_only_when_more_than_DupThresh_minus_one_segments_are_SACKed_above_it()
    {
        var q = Five();
        q.Sack(3001, 5001);
        Assert.False(q.MarkLostBySack(2 * Mss));
        Assert.Equal(0, q.LostBytes);
        q.Sack(2001, 3001);
        Assert.True(q.MarkLostBySack(2 * Mss));
        Assert.Equal(2000, q.LostBytes);
        Assert.Equal(0, q.FirstLost());
    }

    [Fact]
    public void Only_a_segment_never_retransmitted_may_give_an_RTT_sample()
    {
        var q = Five();
        q.MarkLost(ref q.First);
        q.Retransmitted(0, now: 100);
        // Karn's rule: the first segment was sent twice; the acknowledgement of it alone gives no sample.
        Assert.Equal(-1, q.AckUpTo(1001));
        Assert.Equal(4, q.Count);
        // Two more, never retransmitted: the sample is from the later of them.
        Assert.Equal(30, q.AckUpTo(3001));
        Assert.Equal(2000, q.OutstandingBytes);
        Assert.Equal(0, q.RetransmitInFlightBytes);
        // A partial acknowledgement inside a segment removes nothing.
        Assert.Equal(-1, q.AckUpTo(3500));
        Assert.Equal(2, q.Count);
    }

    [Fact]
    public void A_timeout_must_mark_every_unSACKed_segment_lost_and_a_renege_forget_the_SACKs()
    {
        var q = Five();
        q.Sack(4001, 5001);
        q.MarkLost(ref q.First);
        q.Retransmitted(0, now: 100);
        q.MarkAllLost();
        Assert.Equal(4000, q.LostBytes);
        Assert.Equal(0, q.RetransmitInFlightBytes);
        Assert.Equal(0, q.Pipe);
        Assert.Equal(0, q.FirstLost());

        q.ForgetSacks();
        q.MarkAllLost();
        Assert.Equal(5000, q.LostBytes);
        Assert.Equal(0, q.SackedBytes);
    }

    [Fact]
    public void A_lost_FIN_without_data_must_be_found_for_retransmission()
    {
        var q = new RetransmissionQueue();
        q.Add(1, Mss, fin: false, now: 0);
        q.Add(1 + Mss, 0, fin: true, now: 0);
        q.AckUpTo(1 + Mss);
        q.MarkLost(ref q.First);
        Assert.Equal(0, q.LostBytes);
        Assert.Equal(0, q.FirstLost());
        Assert.Equal(2 + Mss, q.First.End);
    }

    [Fact]
    public void The_queue_must_keep_its_order_and_totals_as_it_grows_past_its_first_capacity()
    {
        var q = new RetransmissionQueue();
        for (var i = 0; i < 100; i++) q.Add(1 + i * Mss, Mss, fin: false, now: i);
        q.AckUpTo(1 + 10 * Mss);
        for (var i = 100; i < 200; i++) q.Add(1 + i * Mss, Mss, fin: false, now: i);
        Assert.Equal(190, q.Count);
        Assert.Equal(190 * Mss, q.OutstandingBytes);
        Assert.All(Enumerable.Range(0, 190), i => Assert.Equal(1 + (10 + i) * Mss, q[i].Seq));
        Assert.True(q.Sack(1 + 150 * Mss, 1 + 153 * Mss));
        Assert.True(q.MarkLostBySack(2 * Mss));
        Assert.Equal(140 * Mss, q.LostBytes);
    }
}
