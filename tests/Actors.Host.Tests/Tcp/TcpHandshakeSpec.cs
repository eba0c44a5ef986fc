using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>The three-way handshake under loss: the SYN's timer starts at the initial RTO of 1 s (RFC 6298 §2.1) and doubles.</summary>
public class TcpHandshakeSpec
{
    private const long S = SimTime.Second;
    private const byte Syn = TcpFlags.Syn, SynAck = TcpFlags.Syn | TcpFlags.Ack;

    [Fact]
    public void A_lost_SYN_must_be_sent_again_after_the_initial_RTO_of_one_second()
    {
        var pair = TcpPair.Transfer(10_000, fate: (fromClient, s, n) => fromClient && n == 0 ? SegmentFate.Drop : SegmentFate.Deliver);

        Assert.Equal([0, 1 * S], pair.WithFlags(fromClient: true, Syn).Select(s => s.Time));
        Assert.Equal(1, pair.Client.Stats.Timeouts);
        Assert.Equal(10_000, pair.ServerApp.Received);
        Assert.Equal(TcpState.Closed, pair.Server.State);
        // The first data leave one round trip after the second SYN.
        var synAck = pair.WithFlags(fromClient: false, SynAck).Single();
        Assert.Equal(pair.ArrivalOnIdleLink(synAck.Time, synAck.Segment), pair.DataSegments(fromClient: true)[0].Time);
    }

    [Fact]
    public void A_lost_SYN_ACK_must_be_recovered_by_the_timers_of_both_ends()
    {
        var pair = TcpPair.Transfer(10_000, fate: (fromClient, s, n) => !fromClient && n == 0 ? SegmentFate.Drop : SegmentFate.Deliver);

        var clientSyns = pair.WithFlags(fromClient: true, Syn);
        var serverSynAcks = pair.WithFlags(fromClient: false, SynAck);
        Assert.Equal([0, 1 * S], clientSyns.Select(s => s.Time));
        // The server's own timer and the client's second SYN both send the SYN-ACK again, one second after the first.
        Assert.Equal(3, serverSynAcks.Count);
        var firstSynAck = serverSynAcks[0].Time;
        Assert.Equal(pair.ArrivalOnIdleLink(0, clientSyns[0].Segment), firstSynAck);
        Assert.All(serverSynAcks.Skip(1), s => Assert.Equal(firstSynAck + 1 * S, s.Time));
        Assert.Equal(1, pair.Client.Stats.Timeouts);
        Assert.Equal(1, pair.Server.Stats.Timeouts);
        Assert.Equal(10_000, pair.ServerApp.Received);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
    }

    [Fact]
    public void A_SYN_never_answered_must_be_sent_seven_times_with_doubling_timeouts_and_then_given_up()
    {
        // Linux's tcp_syn_retries = 6: the SYN and six retransmissions at 1, 3, 7, 15, 31 and 63 s; it gives up at 127 s.
        var pair = new TcpPair { Fate = (fromClient, s, n) => fromClient ? SegmentFate.Drop : SegmentFate.Deliver };
        pair.Client.Connect();
        pair.RunUntil(126 * S);
        Assert.Equal(TcpState.SynSent, pair.Client.State);
        pair.RunUntil(1000 * S);

        Assert.Equal([0, 1 * S, 3 * S, 7 * S, 15 * S, 31 * S, 63 * S], pair.WithFlags(fromClient: true, Syn).Select(s => s.Time));
        Assert.Equal(TcpState.Closed, pair.Client.State);
        Assert.True(pair.ClientApp.Closed);
        Assert.False(pair.ClientApp.Connected);
        Assert.Equal(6, pair.Client.Stats.Timeouts);
    }

    [Fact]
    public void A_lost_handshake_ACK_must_be_covered_by_the_first_data_segment()
    {
        // The client's third segment is the handshake's ACK; its first data segment acknowledges the SYN-ACK as well.
        Packet? dropped = null;
        var pair = TcpPair.Transfer(100_000, fate: (fromClient, s, n) =>
        {
            if (!fromClient || n != 1) return SegmentFate.Deliver;
            dropped = s;
            return SegmentFate.Drop;
        });

        Assert.Equal(TcpFlags.Ack, dropped!.Value.Headers.TcpFlags);
        Assert.Equal(0, dropped.Value.PayloadBytes);
        Assert.Single(pair.WithFlags(fromClient: false, SynAck));
        Assert.Equal(0, pair.Server.Stats.Timeouts);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(100_000, pair.ServerApp.Received);
        Assert.True(pair.ServerApp.Connected);
    }
}
