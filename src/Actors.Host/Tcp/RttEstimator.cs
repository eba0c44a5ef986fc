namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// The retransmission timeout of RFC 6298: SRTT and RTTVAR with gains 1/8 and 1/4, RTO = SRTT + max(G, 4·RTTVAR) bounded by the
/// minimum and maximum RTO, doubled on each expiry (§5.5) until a new sample from a segment that was never retransmitted (Karn's rule,
/// which the connection applies when it takes samples). The clock granularity G is the simulation's: zero.
/// </summary>
internal sealed class RttEstimator(long minRtoPs, long maxRtoPs, long initialRtoPs)
{
    private long _rto = initialRtoPs;
    private int _backoff;

    public long SmoothedPs { get; private set; }
    public long VariancePs { get; private set; }
    public bool HasSample { get; private set; }
    public long LatestPs { get; private set; }

    /// <summary>The timeout to arm now, with its backoff.</summary>
    public long RtoPs => Doubled(_rto, _backoff, maxRtoPs);

    public int Backoff => _backoff;

    public void Sample(long rttPs)
    {
        LatestPs = rttPs;
        if (!HasSample)
        {
            SmoothedPs = rttPs;
            VariancePs = rttPs / 2;
            HasSample = true;
        }
        else
        {
            VariancePs = (3 * VariancePs + Math.Abs(SmoothedPs - rttPs)) / 4;
            SmoothedPs = (7 * SmoothedPs + rttPs) / 8;
        }
        _rto = Math.Clamp(SmoothedPs + 4 * VariancePs, minRtoPs, maxRtoPs);
        _backoff = 0;
    }

    /// <summary><paramref name="value"/> doubled <paramref name="times"/> times, at most <paramref name="max"/>: checked before shifting, as 200 ms doubled 26 times overflows.</summary>
    internal static long Doubled(long value, int times, long max) => times >= 62 || value > max >> times ? max : value << times;

    /// <summary>The timer expired: back off (RFC 6298 §5.5).</summary>
    public void Expired() => _backoff = Math.Min(_backoff + 1, 30);
}
