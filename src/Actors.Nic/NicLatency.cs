namespace DcSim.ActorsNic;

/// <summary>
/// A NIC's own latencies: descriptor fetch and DMA before a frame reaches the transmitter (<paramref name="TxPs"/>), DMA and MSI-X after
/// one arrives (<paramref name="RxPs"/>). One is shared by the NICs of a kind: two fields of every server's NIC were 16 B of an idle host.
/// </summary>
public sealed record NicLatency(long TxPs, long RxPs)
{
    /// <summary>No latency of the NIC's own (free stacks, tests).</summary>
    public static readonly NicLatency None = new(0, 0);
}
