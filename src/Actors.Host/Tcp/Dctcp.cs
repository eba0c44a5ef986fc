namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// DCTCP (RFC 8257): the sender estimates α, the fraction of its bytes that met a queue above the marking threshold, once per window of
/// data (α ← (1 − g) α + g F, §3.3), and on an ECN echo cuts its window by α/2 instead of half (once per window, §3.4). Losses and growth are
/// Reno's. α starts at 1, as Linux's DCTCP_MAX_ALPHA (calibration.md §9.1b), and g = 1/16 (Linux's dctcp_shift_g = 4).
/// </summary>
internal sealed class Dctcp(double gain) : NewReno, ICongestionControl
{
    private long _windowEnd = -1;
    private long _ackedInWindow, _markedInWindow;

    public override string Name => "dctcp";

    public double Alpha { get; private set; } = 1.0;

    public void ObserveEcn(long ackedBytes, bool ece, long ackedUpTo, long sentUpTo)
    {
        if (_windowEnd < 0) _windowEnd = sentUpTo;
        _ackedInWindow += ackedBytes;
        if (ece) _markedInWindow += ackedBytes;
        if (ackedUpTo <= _windowEnd) return;
        var fraction = _ackedInWindow == 0 ? 0 : (double)_markedInWindow / _ackedInWindow;
        Alpha = (1 - gain) * Alpha + gain * fraction;
        (_ackedInWindow, _markedInWindow, _windowEnd) = (0, 0, sentUpTo);
    }

    public long WindowAfterEcnEcho(CongestionState s, long flightBytes) => Math.Max((long)(s.Cwnd * (1 - Alpha / 2)), 2L * s.Mss);
}
