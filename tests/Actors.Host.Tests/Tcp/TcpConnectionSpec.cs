using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

public class TcpConnectionSpec
{
    [Fact]
    public void A_transfer_must_deliver_every_byte_once_and_close_both_ends()
    {
        var pair = TcpPair.Transfer(1_000_000);
        Assert.Equal(1_000_000, pair.ServerApp.Received);
        Assert.True(pair.ServerApp.PeerClosed);
        Assert.Equal(TcpState.Closed, pair.Client.State);
        Assert.Equal(TcpState.Closed, pair.Server.State);
        Assert.Equal(0, pair.Client.Stats.RetransmittedSegments);
        Assert.True(pair.Client.AllAcknowledged);
        Assert.Equal(0, pair.Client.Unacknowledged);
        Assert.Equal(1_000_000, pair.Client.Written);
        // 1,000,000 B in 1448 B segments: 690 full ones and one of 800 B.
        var data = pair.DataSegments(fromClient: true);
        Assert.Equal(691, data.Count);
        Assert.All(data.SkipLast(1), d => Assert.Equal(1448, d.Segment.PayloadBytes));
    }

    [Fact]
    public void The_first_flight_must_be_the_initial_window_of_ten_segments()
    {
        var pair = new TcpPair();
        pair.ClientApp.OnConnected = c => c.Write(100_000);
        pair.Client.Connect();
        // The handshake takes one round trip (~20 us); the first data leave right after it, before any ACK can return.
        pair.RunUntil(25 * SimTime.Microsecond);
        Assert.Equal(10, pair.DataSegments(fromClient: true).Count);
    }

    [Fact]
    public void A_lost_segment_must_be_recovered_by_fast_retransmit_without_a_timeout()
    {
        var pair = TcpPair.Transfer(200_000, fate: (fromClient, s, n) => fromClient && s.PayloadBytes > 0 && s.Tcp.Seq == 1 + 5 * 1448 && s.Sequence < 20
            ? SegmentFate.Drop : SegmentFate.Deliver);
        Assert.Equal(200_000, pair.ServerApp.Received);
        Assert.Equal(1, pair.Client.Stats.RetransmittedSegments);
        Assert.Equal(0, pair.Client.Stats.Timeouts);
        Assert.Equal(1, pair.Client.Stats.FastRecoveries);
    }

    [Fact]
    public void An_end_that_closed_first_must_still_hear_the_peer_close()
    {
        // The client writes and closes at once (FIN_WAIT); the server answers 5000 B and closes when the client's FIN arrives.
        var pair = TcpPair.Transfer(10_000, serverBytes: 5_000);
        Assert.Equal(5_000, pair.ClientApp.Received);
        Assert.True(pair.ClientApp.PeerClosed);
        Assert.True(pair.ClientApp.Closed);
        Assert.Equal(TcpState.Closed, pair.Client.State);

        // Both close as soon as they have written; each still hears the other's FIN.
        var both = TcpPair.Prepare(10_000, serverBytes: 5_000);
        both.ServerApp.OnConnected = c => { c.Write(5_000); c.Close(); };
        both.Client.Connect();
        both.RunUntil(SimTime.Second);
        Assert.True(both.ClientApp.PeerClosed && both.ServerApp.PeerClosed);
        Assert.Equal(TcpState.Closed, both.Client.State);
        Assert.Equal(TcpState.Closed, both.Server.State);
        Assert.Equal(0, both.Resets);
    }
}
