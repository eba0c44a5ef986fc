using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>
/// Flow control: a receiver that stops reading closes its window at its buffer size; the sender stops there, probes the zero window with a
/// backed-off timer (RFC 9293 §3.8.6.1) and resumes when the window reopens.
/// </summary>
public class TcpFlowControlSpec
{
    private const long Ms = SimTime.Millisecond, S = SimTime.Second;
    private const int Buffer = 64 * 1024, Bytes = 200_000;

    /// <summary>A client writing 200 KB to a server that does not read, with a 64 KiB receive buffer; the server resumes at <paramref name="resumeAt"/>.</summary>
    private static TcpPair Paused(long resumeAt, Func<bool, Packet, int, SegmentFate>? fate = null)
    {
        var pair = TcpPair.Prepare(Bytes, TcpSettings.Default with { ReceiveBufferBytes = Buffer });
        if (fate is not null) pair.Fate = fate;
        pair.Server.PauseReading();
        pair.At(resumeAt, pair.Server.ResumeReading);
        pair.Client.Connect();
        return pair;
    }

    /// <summary>A zero-window probe: no data, and the sequence number of the last byte the receiver acknowledged.</summary>
    private static bool IsProbe(in Packet s) => s.PayloadBytes == 0 && s.Headers.TcpFlags == TcpFlags.Ack && s.Tcp.Seq == Buffer;

    [Fact]
    public void A_sender_must_stop_at_the_receive_buffer_and_probe_the_zero_window_with_backoff()
    {
        var pair = Paused(resumeAt: 5 * S);
        pair.RunUntil(4 * S);

        Assert.Equal(Buffer, pair.Client.Stats.DataBytesSent);
        Assert.Equal(Bytes - Buffer, pair.Client.Unacknowledged);
        Assert.Equal(Buffer, pair.Server.ReceivedInOrder);
        Assert.Equal(0, pair.ServerApp.Received);
        Assert.Equal(0, pair.Server.Stats.DuplicateBytesReceived);
        var closing = pair.Sent.First(s => !s.FromClient && s.Segment.Tcp.Window == 0);
        Assert.Equal(1 + Buffer, (long)closing.Segment.Tcp.Ack);
        var windowClosedAt = pair.ArrivalOnIdleLink(closing.Time, closing.Segment);
        // The persist timer starts at the RTO (200 ms, the minimum) and doubles: probes 200, 600, 1400 and 3000 ms after the window closed.
        var probes = pair.Sent.Where(s => s.FromClient && s.Time > windowClosedAt && IsProbe(s.Segment)).Select(s => s.Time - windowClosedAt);
        Assert.Equal([200 * Ms, 600 * Ms, 1400 * Ms, 3000 * Ms], probes);
        Assert.Equal(4, pair.Client.Stats.WindowProbes);
        // Each probe is answered at once with the (still zero) window.
        Assert.Equal(4, pair.Sent.Count(s => !s.FromClient && s.Time > windowClosedAt && s.Segment.Tcp.Window == 0));
        Assert.Equal(0, pair.Client.Stats.Timeouts);
    }

    [Fact]
    public void A_reopened_window_must_resume_the_transfer_at_once()
    {
        var resume = 5 * S;
        var pair = Paused(resume);
        pair.RunUntil(30 * S);

        Assert.Equal(Bytes, pair.ServerApp.Received);
        Assert.Equal(Buffer, pair.ServerApp.Deliveries[0].Bytes);
        var update = pair.Sent.First(s => !s.FromClient && s.Time >= resume);
        Assert.Equal(resume, update.Time);
        Assert.Equal(Buffer, (long)update.Segment.Tcp.Window);
        var resumed = pair.DataSegments(fromClient: true).First(s => s.Time >= resume);
        Assert.Equal(pair.ArrivalOnIdleLink(update.Time, update.Segment), resumed.Time);
        Assert.Equal(Bytes, pair.Client.Stats.DataBytesSent);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(TcpState.Closed, pair.Client.State);
    }

    [Fact]
    public void A_lost_window_update_must_be_repaired_by_the_next_probe()
    {
        var resume = 1 * S;
        bool closed = false, dropped = false;
        var pair = Paused(resume, (fromClient, s, _) =>
        {
            if (fromClient) return SegmentFate.Deliver;
            closed |= s.Tcp.Window == 0;
            if (!closed || dropped || s.Tcp.Window == 0) return SegmentFate.Deliver;
            dropped = true;
            return SegmentFate.Drop;
        });
        pair.RunUntil(30 * S);

        Assert.True(dropped);
        Assert.Equal(Bytes, pair.ServerApp.Received);
        var windowClosedAt = pair.Sent.Where(s => !s.FromClient && s.Segment.Tcp.Window == 0).Select(s => pair.ArrivalOnIdleLink(s.Time, s.Segment)).First();
        // Probes at 200 and 600 ms after the window closed went before the resume; the third, at 1400 ms, finds it open.
        var probes = pair.Sent.Where(s => s.FromClient && IsProbe(s.Segment) && s.Time > windowClosedAt && s.Time < 2 * S).Select(s => s.Time).ToList();
        Assert.Equal([windowClosedAt + 200 * Ms, windowClosedAt + 600 * Ms, windowClosedAt + 1400 * Ms], probes);
        var answer = pair.Sent.First(s => !s.FromClient && s.Time > probes[2]);
        Assert.Equal(Buffer, (long)answer.Segment.Tcp.Window);
        Assert.Equal(pair.ArrivalOnIdleLink(answer.Time, answer.Segment), pair.DataSegments(fromClient: true).First(s => s.Time > resume).Time);
    }

    [Fact]
    public void An_old_ACK_arriving_late_must_not_reopen_the_window_it_advertised()
    {
        // The server's 15th ACK is held and arrives after its 18th, when the sender has filled the window and its congestion window has
        // room to spare: the old ACK acknowledges less and advertised more room (the server reads nothing, so each ACK's window is smaller
        // than the last, and the right edge stays at byte 1 + 64 KiB). RFC 9293 §3.10.7.4 takes the window only from an ACK that is not
        // older than what SND.UNA says; the sender must not go beyond the right edge the newest ACK set.
        // The client's SYN has gone when Paused returns: the fate set after it sees every server segment.
        var pair = Paused(resumeAt: 5 * S);
        pair.Fate = (fromClient, s, n) =>
        {
            if (fromClient) return SegmentFate.Deliver;
            if (n == 19) pair.ReleaseHeld();
            return n == 15 ? SegmentFate.Hold : SegmentFate.Deliver;
        };
        pair.RunUntil(4 * S);

        Assert.Equal(0, pair.Server.Stats.DuplicateBytesReceived);
        Assert.Equal(Buffer, pair.Client.Stats.DataBytesSent);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        pair.RunUntil(30 * S);
        Assert.Equal(Bytes, pair.ServerApp.Received);
    }
}
