namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// CUBIC (RFC 9438): after a reduction the window follows W(t) = C (t − K)³ + W_max, with K = ∛(W_max (1 − β) / C), so that it
/// returns to the window where the loss happened after K seconds, flattens there and then probes beyond; it never grows slower than
/// the Reno-friendly estimate (§4.3; Linux's tcp_friendliness = 1) unless <paramref name="tcpFriendly"/> is off (ns-3 3.37's TcpCubic has no
/// such region). Fast convergence (§4.7) on. Slow start grows as Reno's, and ends early by <see cref="HyStart"/> when it is on.
/// </summary>
internal sealed class Cubic(double c, double beta, bool tcpFriendly = true, bool hyStart = true) : ICongestionControl
{
    private readonly HyStart? _hyStart = hyStart ? new HyStart() : null;
    private double _wMax;            // segments
    private double _k;               // seconds
    private long _epochStart = -1;   // ps; -1: no epoch yet
    private double _wEst;            // segments, the Reno-friendly estimate
    private double _credit;          // segments of growth not yet applied
    private readonly double _alpha = 3 * (1 - beta) / (1 + beta);

    public string Name => "cubic";

    public void OnAck(CongestionState s, long ackedBytes, long now, long rttPs)
    {
        if (s.InSlowStart)
        {
            s.Cwnd += Math.Min(ackedBytes, s.Mss);
            return;
        }
        double cwnd = (double)s.Cwnd / s.Mss, acked = (double)ackedBytes / s.Mss;
        if (_epochStart < 0)
        {
            _epochStart = now;
            if (_wMax < cwnd) _wMax = cwnd;
            _k = Math.Cbrt((_wMax - cwnd) / c);
            _wEst = cwnd;
        }
        var t = (now - _epochStart) / 1e12;
        var rtt = rttPs / 1e12;
        var target = Math.Clamp(W(t + rtt), cwnd, 1.5 * cwnd);
        _wEst += _alpha * acked / cwnd;
        var increase = tcpFriendly && W(t) < _wEst ? Math.Max(0, _wEst - cwnd) : (target - cwnd) / cwnd * acked;
        _credit += increase;
        if (_credit < 1.0 / s.Mss) return;
        var bytes = (long)(_credit * s.Mss);
        s.Cwnd += bytes;
        _credit -= (double)bytes / s.Mss;
    }

    public void OnRttSample(CongestionState s, long rttPs, long now, long ackedUpTo, long sentUpTo) =>
        _hyStart?.OnRttSample(s, rttPs, now, ackedUpTo, sentUpTo);

    public long SsthreshAfterLoss(CongestionState s, long flightBytes)
    {
        var cwnd = (double)s.Cwnd / s.Mss;
        _wMax = cwnd < _wMax ? cwnd * (1 + beta) / 2 : cwnd; // fast convergence
        _epochStart = -1;
        _credit = 0;
        return Math.Max((long)(s.Cwnd * beta), 2L * s.Mss);
    }

    private double W(double t) => c * Math.Pow(t - _k, 3) + _wMax;
}
