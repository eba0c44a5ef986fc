using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;
using Xunit;

namespace DcSim.ActorsHost.Tests.Tcp;

/// <summary>
/// The connection's promise under any pattern of loss and reordering: each transfer completes, every byte reaches the application
/// exactly once and in order (the <see cref="Recorder"/> throws at the first byte delivered out of order), and both ends close.
/// </summary>
public class TcpInvariantSpec
{
    public static TheoryData<CongestionControlKind, bool> Variants => new()
    {
        { CongestionControlKind.Cubic, true },
        { CongestionControlKind.NewReno, true },
        { CongestionControlKind.NewReno, false },
        { CongestionControlKind.Dctcp, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Transfers_must_deliver_every_byte_once_in_order_and_close_under_random_loss_and_reordering(CongestionControlKind cc, bool sack)
    {
        const int runs = 50;
        long timeouts = 0, fastRecoveries = 0, outOfOrder = 0, resets = 0;
        for (var run = 0; run < runs; run++)
        {
            var random = new Random(run * 7919 + (int)cc * 31 + (sack ? 1 : 0));
            var dropRate = random.NextDouble() * 0.10;
            var holdRate = random.NextDouble() * 0.05;
            var markRate = cc == CongestionControlKind.Dctcp ? random.NextDouble() * 0.3 : 0;
            var clientBytes = random.NextInt64(1, 300_000);
            var serverBytes = random.NextInt64(0, 100_000);
            var settings = TcpSettings.Default with
            {
                CongestionControl = cc, Sack = sack, MinRtoPs = random.Next(2) == 0 ? SimTime.Millisecond : 200 * SimTime.Millisecond,
                ReceiveBufferBytes = random.Next(3) switch { 0 => 5000, 1 => 64 * 1024, _ => 6 << 20 },
            };
            // Some servers close as soon as they have written (both FINs cross: simultaneous close), some stop reading for a while.
            var simultaneousClose = random.Next(4) == 0;
            var pauseAt = random.Next(3) == 0 ? random.NextInt64(0, 2 * SimTime.Millisecond) : -1;
            var pauseFor = random.NextInt64(1, 500 * SimTime.Millisecond);
            TcpPair? pair = null;
            SegmentFate Fate(bool fromClient, Packet s, int n)
            {
                var x = random.NextDouble();
                if (x < dropRate) return SegmentFate.Drop;
                if (x < dropRate + holdRate)
                {
                    // Released up to 100 us later: behind the segments sent meanwhile.
                    pair!.At(pair.Now + random.NextInt64(1, 100 * SimTime.Microsecond), pair.ReleaseHeld);
                    return SegmentFate.Hold;
                }
                return x < dropRate + holdRate + markRate ? SegmentFate.Mark : SegmentFate.Deliver;
            }
            pair = new TcpPair(settings) { Fate = Fate };
            pair.ClientApp.OnConnected = c => { c.Write(clientBytes); c.Close(); };
            pair.ServerApp.OnConnected = c =>
            {
                c.Write(serverBytes);
                if (simultaneousClose) c.Close();
            };
            pair.ServerApp.OnPeerClosed = c => c.Close();
            if (pauseAt >= 0)
            {
                pair.At(pauseAt, pair.Server.PauseReading);
                pair.At(pauseAt + pauseFor, pair.Server.ResumeReading);
            }
            pair.Client.Connect();
            pair.RunUntil(3600 * SimTime.Second);

            var context = $"run {run}: drop {dropRate:P1}, hold {holdRate:P1}, {clientBytes} B up, {serverBytes} B down, buffer {settings.ReceiveBufferBytes} B, " +
                $"simultaneous close {simultaneousClose}, pause {pauseAt}+{pauseFor} ps";
            Assert.True(clientBytes == pair.ServerApp.Received, $"{context}: server read {pair.ServerApp.Received} B");
            Assert.True(serverBytes == pair.ClientApp.Received, $"{context}: client read {pair.ClientApp.Received} B");
            Assert.True(pair.ServerApp.PeerClosed, $"{context}: the client's FIN was not delivered");
            Assert.True(pair.ClientApp.PeerClosed, $"{context}: the server's FIN was not delivered");
            Assert.True(pair.Client.State == TcpState.Closed && pair.ClientApp.Closed, $"{context}: client {pair.Client.State}");
            Assert.True(pair.Server.State == TcpState.Closed && pair.ServerApp.Closed, $"{context}: server {pair.Server.State}");
            // Without TIME_WAIT, an end whose last ACK was lost is gone when the other's FIN comes again: a reset, not an ACK, ends that one.
            Assert.True(pair.Client.AllAcknowledged || pair.Resets > 0, $"{context}: client's data not all acknowledged");
            Assert.True(pair.Server.AllAcknowledged || pair.Resets > 0, $"{context}: server's data not all acknowledged");
            timeouts += pair.Client.Stats.Timeouts + pair.Server.Stats.Timeouts;
            fastRecoveries += pair.Client.Stats.FastRecoveries + pair.Server.Stats.FastRecoveries;
            outOfOrder += pair.Client.Stats.OutOfOrderSegments + pair.Server.Stats.OutOfOrderSegments;
            resets += pair.Resets;
        }
        // The patterns did exercise both recoveries and the reassembly (the counts are in the test's output).
        Console.WriteLine($"{cc} sack={sack}: {timeouts} timeouts, {fastRecoveries} fast recoveries, {outOfOrder} out-of-order segments, {resets} resets");
        Assert.True(timeouts > runs / 2, $"{timeouts} timeouts");
        Assert.True(fastRecoveries > runs / 2, $"{fastRecoveries} fast recoveries");
        Assert.True(outOfOrder > runs, $"{outOfOrder} out-of-order segments");
    }
}
