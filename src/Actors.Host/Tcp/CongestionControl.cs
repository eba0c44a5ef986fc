namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// The window a connection may have in flight and the slow-start threshold, in bytes: the state a congestion-control
/// algorithm changes. The connection owns loss recovery (what to retransmit when, and that a window is reduced at most
/// once per window of data); the algorithm decides how the window grows on ACKs and how far it falls.
/// </summary>
internal sealed class CongestionState(int mss, long initialWindow)
{
    public int Mss { get; } = mss;
    public long Cwnd { get; set; } = initialWindow;
    public long Ssthresh { get; set; } = long.MaxValue;
    public bool InSlowStart => Cwnd < Ssthresh;
}

/// <summary>A pluggable congestion-control algorithm (Linux's tcp_congestion_ops, in the parts a simulation needs).</summary>
internal interface ICongestionControl
{
    string Name { get; }

    /// <summary>New data was cumulatively acknowledged while the window limited the sender: grow the window.</summary>
    void OnAck(CongestionState s, long ackedBytes, long now, long rttPs);

    /// <summary>A loss was detected by duplicate ACKs or SACK (fast retransmit), or the retransmission timer expired: the new slow-start threshold.</summary>
    long SsthreshAfterLoss(CongestionState s, long flightBytes);

    /// <summary>An ACK echoed congestion (ECE) and the window was not reduced in this window of data yet: the reduced window (RFC 3168 §6.1.2).</summary>
    long WindowAfterEcnEcho(CongestionState s, long flightBytes) => SsthreshAfterLoss(s, flightBytes);

    /// <summary>An ACK gave a valid RTT sample (Karn's rule): CUBIC's HyStart watches these in slow start.</summary>
    void OnRttSample(CongestionState s, long rttPs, long now, long ackedUpTo, long sentUpTo) { }

    /// <summary>Every ACK that acknowledges data, with its ECE bit: DCTCP estimates the fraction of marked bytes from these.</summary>
    void ObserveEcn(long ackedBytes, bool ece, long ackedUpTo, long sentUpTo) { }

    public static ICongestionControl Create(TcpSettings settings) => settings.CongestionControl switch
    {
        CongestionControlKind.NewReno => new NewReno(),
        CongestionControlKind.Cubic => new Cubic(settings.CubicC, settings.CubicBeta, settings.CubicTcpFriendly, settings.CubicHyStart),
        CongestionControlKind.Dctcp => new Dctcp(settings.DctcpGain),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.CongestionControl, "unknown congestion control"),
    };
}

/// <summary>NewReno's window (RFC 5681; its recovery, RFC 6582, is the connection's): slow start by min(acked, MSS) per ACK, then one MSS per window.</summary>
internal class NewReno : ICongestionControl
{
    private long _avoidanceCredit;

    public virtual string Name => "newreno";

    public void OnAck(CongestionState s, long ackedBytes, long now, long rttPs)
    {
        if (s.InSlowStart)
        {
            s.Cwnd += Math.Min(ackedBytes, s.Mss);
            return;
        }
        // Byte counting (RFC 3465 §2.1): one MSS per window of acknowledged bytes.
        _avoidanceCredit += ackedBytes;
        if (_avoidanceCredit < s.Cwnd) return;
        _avoidanceCredit -= s.Cwnd;
        s.Cwnd += s.Mss;
    }

    /// <summary>RFC 5681 equation (4): half the flight, at least two segments.</summary>
    public long SsthreshAfterLoss(CongestionState s, long flightBytes) => Math.Max(flightBytes / 2, 2L * s.Mss);
}
