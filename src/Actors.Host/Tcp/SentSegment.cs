namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// One segment the sender has transmitted and not yet seen cumulatively acknowledged (Linux's skb in the retransmission queue): its
/// sequence range, when it was last sent, and its scoreboard marks (RFC 6675). A FIN occupies one sequence number past its data.
/// </summary>
internal struct SentSegment
{
    public long Seq;
    public int Length;
    public bool Fin;
    public long SentAt;
    /// <summary>The receiver reported it in a SACK block.</summary>
    public bool Sacked;
    /// <summary>Deemed lost (RFC 6675 IsLost, a partial ACK, or a timeout) and not yet retransmitted since.</summary>
    public bool Lost;
    /// <summary>Sent more than once: no RTT sample may come from it (Karn's rule).</summary>
    public bool EverRetransmitted;
    /// <summary>A retransmission of it is in flight (counts in the pipe though it was lost).</summary>
    public bool RetransmitInFlight;

    public readonly long End => Seq + Length + (Fin ? 1 : 0);
}
