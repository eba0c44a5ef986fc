using Xunit;

namespace DcSim.ActorsHost.Tests.TcpModel;

/// <summary>
/// TCP's CPU work lands on the sending and receiving kernels like UDP's, and the offloads change it as they should: TSO spares the sender
/// the per-packet part of its send work for a connection's back-to-back segments, GRO spares the receiver most per-packet receive work
/// for segments arriving back to back at line rate.
/// </summary>
public sealed class TcpCpuSpec
{
    private static (long Sender, long Receiver, long Received) Transfer(bool tso, bool gro)
    {
        var run = TcpRun.Of($$"""
            duration = 30ms
            topology { spines = 1, leaves = 1, hosts-per-leaf = 2 }
            tcp { congestion-control = newreno, tso = {{(tso ? "true" : "false")}}, gro = {{(gro ? "true" : "false")}} }
            traffic.generators = [ { kind = tcp-bulk, hosts = [0], destination = fixed, target = 1, tcp-bulk.flow-size = 10MB } ]
            """);
        long Kernel(string server) => run.Results.Components[server]["host_kernel_busy_ps"];
        return (Kernel("host0"), Kernel("host1"), run.Total(ActorsHost.Tcp.TcpResults.BytesReceived));
    }

    [Fact]
    public void Offloads_must_cut_the_kernels_per_packet_work_and_keep_the_bytes()
    {
        var off = Transfer(tso: false, gro: false);
        var on = Transfer(tso: true, gro: true);

        Assert.Equal(10_000_000, off.Received);
        Assert.Equal(10_000_000, on.Received);
        Assert.True(off.Sender > 0 && off.Receiver > 0);
        // The receiver's per-segment work is 6,700 + 1,400 cycles of 8,462 with the copy: GRO pays it once per 8 segments, and the ACKs it
        // sends (one per two segments) still cost theirs. So GRO leaves it roughly a third of the work.
        var receiverShare = (double)on.Receiver / off.Receiver;
        Assert.InRange(receiverShare, 0.15, 0.5);
        // The sender's segments leave in ACK-clocked bursts of a few, so TSO spares part of its 3,000-cycle send step, and the ACKs it reads
        // still cost their receive step.
        var senderShare = (double)on.Sender / off.Sender;
        Assert.InRange(senderShare, 0.3, 0.95);
    }
}
