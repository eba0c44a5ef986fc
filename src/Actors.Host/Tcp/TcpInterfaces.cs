using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tcp;

/// <summary>What a connection needs from the stack it lives in: the clock, a way to send a segment, and one timer.</summary>
internal interface ITcpHost
{
    long Now { get; }

    void Transmit(TcpConnection connection, in Packet segment);

    /// <summary>Calls <see cref="TcpConnection.OnTimer"/> at <paramref name="at"/>.</summary>
    void ArmTimer(TcpConnection connection, long at);
}

/// <summary>What an application hears from its connection (all optional).</summary>
internal interface ITcpApplication
{
    void Connected(TcpConnection connection) { }

    /// <summary><paramref name="bytes"/> more bytes arrived in order and were read.</summary>
    void Received(TcpConnection connection, long bytes) { }

    /// <summary>The peer closed its side (its FIN arrived in order).</summary>
    void PeerClosed(TcpConnection connection) { }

    /// <summary>The connection is gone: closed both ways, or reset.</summary>
    void Closed(TcpConnection connection) { }
}

public enum TcpState { SynSent, SynReceived, Established, FinWait1, FinWait2, Closing, CloseWait, LastAck, Closed }

/// <summary>Counters of one connection, both of its directions, as its end saw them.</summary>
public sealed class TcpConnectionStats
{
    public long SegmentsSent { get; set; }
    public long DataBytesSent { get; set; }
    public long RetransmittedSegments { get; set; }
    public long RetransmittedBytes { get; set; }
    public long Timeouts { get; set; }
    public long FastRecoveries { get; set; }
    public long DuplicateAcks { get; set; }
    public long EcnEchoesReceived { get; set; }
    public long EcnWindowReductions { get; set; }
    public long CeMarkedReceived { get; set; }
    public long BytesAcked { get; set; }
    public long BytesReceived { get; set; }
    public long DuplicateBytesReceived { get; set; }
    public long OutOfOrderSegments { get; set; }
    public long WindowProbes { get; set; }
    public long MaxCwnd { get; set; }
}
