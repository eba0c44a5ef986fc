using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Tcp;

public enum CongestionControlKind { NewReno, Cubic, Dctcp }

/// <summary>
/// The TCP stack's parameters (scenario section <c>tcp</c>), one set per run as a host's sysctls are. Each default is cited in
/// config/reference.conf: MSS 1448 B (1500 B MTU less IPv4, TCP and timestamps), initial window 10 segments (RFC 6928),
/// RTO after RFC 6298 with Linux's 200 ms minimum and 120 s maximum, initial RTO 1 s (RFC 6298 §2.1), delayed ACKs every
/// second full segment or after 40 ms (Linux's TCP_DELACK_MIN), duplicate-ACK threshold 3 (RFC 5681), SACK (RFC 2018) on.
/// </summary>
public sealed record TcpSettings(
    CongestionControlKind CongestionControl,
    int Mss,
    int InitialWindowSegments,
    long MinRtoPs,
    long MaxRtoPs,
    long InitialRtoPs,
    int DelayedAckSegments,
    long DelayedAckTimeoutPs,
    int DuplicateAckThreshold,
    bool Sack,
    bool Ecn,
    long SendBufferBytes,
    long ReceiveBufferBytes,
    double DctcpGain,
    double CubicC,
    double CubicBeta,
    bool CubicTcpFriendly,
    bool CubicHyStart,
    bool Tso,
    bool Gro,
    int GroSegments,
    long GroWindowPs)
{
    /// <summary>Linux's defaults with CUBIC, as <c>config/reference.conf</c> documents them.</summary>
    public static readonly TcpSettings Default = new(
        CongestionControlKind.Cubic, Mss: 1448, InitialWindowSegments: 10, MinRtoPs: 200 * SimTime.Millisecond, MaxRtoPs: 120 * SimTime.Second,
        InitialRtoPs: SimTime.Second, DelayedAckSegments: 2, DelayedAckTimeoutPs: 40 * SimTime.Millisecond, DuplicateAckThreshold: 3, Sack: true,
        Ecn: false, SendBufferBytes: 4 << 20, ReceiveBufferBytes: 6 << 20, DctcpGain: 1.0 / 16, CubicC: 0.4, CubicBeta: 0.7, CubicTcpFriendly: true, CubicHyStart: true, Tso: true, Gro: true,
        GroSegments: 8, GroWindowPs: 10 * SimTime.Microsecond);

    /// <summary>Whether the connections negotiate ECN: always for DCTCP, which needs it (RFC 8257 §3), otherwise as set.</summary>
    public bool NegotiatesEcn => Ecn || CongestionControl == CongestionControlKind.Dctcp;
}
