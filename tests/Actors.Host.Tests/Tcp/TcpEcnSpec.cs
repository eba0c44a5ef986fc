using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>
/// ECN end to end: negotiation on the handshake (RFC 3168 §6.1.1), the classic receiver's ECE latched until CWR and the sender's one
/// reduction per window (§6.1.2–6.1.3), and DCTCP's receiver that echoes each CE mark exactly (RFC 8257 §3.2) and sender that cuts by α/2.
/// </summary>
public class TcpEcnSpec
{
    private const int Mss = 1448;
    private const byte Syn = TcpFlags.Syn, SynAck = TcpFlags.Syn | TcpFlags.Ack;

    private static uint SeqOf(int segment) => (uint)(1 + segment * Mss);

    /// <summary>Without HyStart: these tests count window reductions, and HyStart's early end of slow start would be one more.</summary>
    private static TcpSettings With(CongestionControlKind cc, bool ecn) => TcpSettings.Default with { CongestionControl = cc, Ecn = ecn, CubicHyStart = false };

    /// <summary>A client writing <paramref name="bytes"/> with its own settings to a server with its own; not yet connected.</summary>
    private static TcpPair Pair(long bytes, TcpSettings client, TcpSettings? server = null)
    {
        var pair = new TcpPair(client, serverSettings: server ?? client);
        pair.ClientApp.OnConnected = c => { c.Write(bytes); c.Close(); };
        pair.ServerApp.OnPeerClosed = c => c.Close();
        return pair;
    }

    [Theory]
    [InlineData(CongestionControlKind.NewReno, true, true, Syn | TcpFlags.Ece | TcpFlags.Cwr, SynAck | TcpFlags.Ece, true)]
    [InlineData(CongestionControlKind.NewReno, false, false, Syn, SynAck, false)]
    [InlineData(CongestionControlKind.Cubic, true, false, Syn | TcpFlags.Ece | TcpFlags.Cwr, SynAck, false)]
    [InlineData(CongestionControlKind.Cubic, false, true, Syn, SynAck, false)]
    [InlineData(CongestionControlKind.Dctcp, false, false, Syn | TcpFlags.Ece | TcpFlags.Cwr, SynAck | TcpFlags.Ece, true)]
    public void The_handshake_must_negotiate_ECN_only_when_both_ends_ask(CongestionControlKind cc, bool clientEcn, bool serverEcn, int synFlags,
        int synAckFlags, bool dataEct)
    {
        var pair = Pair(50_000, With(cc, clientEcn), With(cc, serverEcn));
        pair.Client.Connect();
        pair.RunUntil(SimTime.Second);

        Assert.Equal(synFlags, pair.Sent[0].Segment.Headers.TcpFlags);
        Assert.Equal(synAckFlags, pair.Sent.First(s => !s.FromClient).Segment.Headers.TcpFlags);
        Assert.All(pair.DataSegments(fromClient: true), s => Assert.Equal(dataEct ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct, s.Segment.Headers.Ecn));
        // Pure ACKs and the SYNs are never ECN-capable (RFC 3168 §6.1.1, §6.1.4).
        Assert.All(pair.Sent.Where(s => s.Segment.PayloadBytes == 0), s => Assert.Equal(EcnCodepoint.NotEct, s.Segment.Headers.Ecn));
        Assert.Equal(50_000, pair.ServerApp.Received);
    }

    /// <summary>
    /// Marks the first sending of the client's data segments <paramref name="segments"/> (and drops that of <paramref name="dropped"/>);
    /// records the client's window at each of its sends.
    /// </summary>
    private static (TcpPair Pair, List<(long Time, long Cwnd, long Ssthresh)> Windows) Marked(long bytes, TcpSettings settings, int[] segments,
        int[]? dropped = null)
    {
        var pair = Pair(bytes, settings);
        var pending = segments.Select(SeqOf).ToHashSet();
        var toDrop = (dropped ?? []).Select(SeqOf).ToHashSet();
        var windows = new List<(long, long, long)>();
        pair.Fate = (fromClient, s, _) =>
        {
            if (!fromClient) return SegmentFate.Deliver;
            windows.Add((pair.Now, pair.Client.Cwnd, pair.Client.Ssthresh));
            if (s.PayloadBytes > 0 && toDrop.Remove(s.Tcp.Seq)) return SegmentFate.Drop;
            return s.PayloadBytes > 0 && pending.Remove(s.Tcp.Seq) ? SegmentFate.Mark : SegmentFate.Deliver;
        };
        pair.Client.Connect();
        pair.RunUntil(10 * SimTime.Second);
        Assert.Empty(pending);
        Assert.Empty(toDrop);
        Assert.Equal(bytes, pair.ServerApp.Received);
        return (pair, windows);
    }

    [Theory]
    [InlineData(CongestionControlKind.NewReno, 0.5)]
    [InlineData(CongestionControlKind.Cubic, 0.7)]
    public void A_CE_mark_must_be_echoed_until_CWR_and_reduce_the_window_once(CongestionControlKind cc, double beta)
    {
        var (pair, windows) = Marked(400_000, With(cc, ecn: true), [30]);

        Assert.Equal(1, pair.Server.Stats.CeMarkedReceived);
        var echoes = pair.Sent.Where(s => !s.FromClient && (s.Segment.Headers.TcpFlags & (TcpFlags.Ece | TcpFlags.Syn)) == TcpFlags.Ece).ToList();
        Assert.NotEmpty(echoes);
        var cwrs = pair.Sent.Where(s => s.FromClient && (s.Segment.Headers.TcpFlags & TcpFlags.Cwr) != 0 && s.Segment.PayloadBytes > 0).ToList();
        var cwr = Assert.Single(cwrs);
        // The sender answers the first echo with CWR on its next new segment; the receiver echoes until that segment arrives, then stops.
        Assert.Equal(pair.DataSegments(fromClient: true).First(s => s.Time >= pair.ArrivalOnIdleLink(echoes[0].Time, echoes[0].Segment)).Segment.Tcp.Seq,
            cwr.Segment.Tcp.Seq);
        var cwrArrival = pair.ArrivalOnIdleLink(cwr.Time, cwr.Segment);
        Assert.True(echoes[^1].Time < cwrArrival, $"an echo at {echoes[^1].Time} ps, CWR arrived at {cwrArrival} ps");
        Assert.Contains(pair.Sent, s => !s.FromClient && s.Time >= cwrArrival && (s.Segment.Headers.TcpFlags & TcpFlags.Ece) == 0);
        Assert.All(echoes, e => Assert.True(e.Segment.Tcp.Ack > SeqOf(30)));
        Assert.Equal(echoes.Count, pair.Client.Stats.EcnEchoesReceived);
        Assert.Equal(1, pair.Client.Stats.EcnWindowReductions);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        // In slow start and window-limited, the flight is the window: the new threshold is β times the window before the echo.
        var before = windows.Last(w => w.Ssthresh == long.MaxValue);
        var after = windows.First(w => w.Ssthresh != long.MaxValue);
        Assert.Equal((long)(before.Cwnd * beta) / Mss, after.Ssthresh / Mss);
        Assert.Equal(after.Ssthresh, pair.Client.Ssthresh);
    }

    [Fact]
    public void Marks_within_one_window_must_reduce_the_window_once_and_marks_windows_apart_twice()
    {
        var (burst, _) = Marked(400_000, With(CongestionControlKind.NewReno, ecn: true), [30, 31, 32, 33, 34, 35]);
        Assert.Equal(6, burst.Server.Stats.CeMarkedReceived);
        Assert.Equal(1, burst.Client.Stats.EcnWindowReductions);

        var (apart, _) = Marked(400_000, With(CongestionControlKind.NewReno, ecn: true), [30, 200]);
        Assert.Equal(2, apart.Client.Stats.EcnWindowReductions);
        Assert.Equal(2, apart.Sent.Count(s => s.FromClient && (s.Segment.Headers.TcpFlags & TcpFlags.Cwr) != 0 && s.Segment.PayloadBytes > 0));
    }

    [Theory]
    [InlineData(CongestionControlKind.NewReno)]
    [InlineData(CongestionControlKind.Cubic)]
    [InlineData(CongestionControlKind.Dctcp)]
    public void A_loss_and_a_mark_in_the_same_window_must_reduce_the_window_once_and_send_CWR(CongestionControlKind cc)
    {
        // Segment 30 is lost and 31, marked, draws duplicate ACKs that echo its mark. RFC 3168 §6.1.2: the sender reduces its window at most
        // once per window of data, and sets CWR on the first new segment after any reduction, a fast retransmit's included, which ends the
        // receiver's echo. The fast retransmit's reduction is the one.
        var (pair, windows) = Marked(400_000, With(cc, ecn: true), [31], dropped: [30]);

        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        Assert.True(pair.Client.Stats.EcnEchoesReceived > 0);
        Assert.Equal(0, pair.Client.Stats.EcnWindowReductions);
        Assert.Single(windows.Select(w => w.Ssthresh).Where(t => t != long.MaxValue).Distinct());
        var cwr = Assert.Single(pair.Sent, s => s.FromClient && (s.Segment.Headers.TcpFlags & TcpFlags.Cwr) != 0 && s.Segment.PayloadBytes > 0);
        Assert.True(cwr.Time > pair.ClientSendTimes(SeqOf(30))[1]);
    }

    [Fact]
    public void A_DCTCP_receiver_must_echo_exactly_the_marked_segments()
    {
        // ACKs go every second segment: (14, 15) would share one. Segment 15's mark makes the receiver first acknowledge 14 alone without ECE,
        // then 15 and 16 with ECE; 17 is unmarked again and the ACK for it and 18 carries no ECE.
        var (pair, windows) = Marked(100_000, With(CongestionControlKind.Dctcp, ecn: false), [15, 16]);

        var acks = pair.Sent.Where(s => !s.FromClient && (s.Segment.Headers.TcpFlags & TcpFlags.Syn) == 0).ToList();
        var echo = Assert.Single(acks, a => (a.Segment.Headers.TcpFlags & TcpFlags.Ece) != 0);
        Assert.Equal(SeqOf(17), echo.Segment.Tcp.Ack);
        Assert.Equal(SeqOf(15), acks[acks.IndexOf(echo) - 1].Segment.Tcp.Ack);
        Assert.Equal(SeqOf(19), acks[acks.IndexOf(echo) + 1].Segment.Tcp.Ack);
        Assert.Equal(1, pair.Client.Stats.EcnWindowReductions);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        // α started at 1 and fell by 15/16 at the end of each unmarked window before the echo (k of them): the cut is by α/2 = (15/16)^k / 2.
        var before = windows.Last(w => w.Ssthresh == long.MaxValue).Cwnd;
        var after = windows.First(w => w.Ssthresh != long.MaxValue).Ssthresh;
        Assert.Contains(after, Enumerable.Range(0, 4).Select(k => (long)(before * (1 - Math.Pow(15.0 / 16, k) / 2))));
    }

    [Fact]
    public void A_DCTCP_sender_must_estimate_the_fraction_of_marked_bytes()
    {
        // Every fourth segment marked, over some hundred windows: α → 1/4 (from 1, with g = 1/16 per window).
        const long bytes = 20_000_000;
        var pair = Pair(bytes, With(CongestionControlKind.Dctcp, ecn: false));
        pair.Fate = (fromClient, s, n) => fromClient && s.PayloadBytes > 0 && n % 4 == 0 ? SegmentFate.Mark : SegmentFate.Deliver;
        pair.Client.Connect();
        pair.RunUntil(10 * SimTime.Second);

        Assert.Equal(bytes, pair.ServerApp.Received);
        var alpha = ((Dctcp)pair.Client.CongestionControl).Alpha;
        Assert.InRange(alpha, 0.22, 0.28);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        Assert.InRange(pair.Server.Stats.CeMarkedReceived, bytes / Mss / 4 - 2, bytes / Mss / 4 + 2);
    }
}
