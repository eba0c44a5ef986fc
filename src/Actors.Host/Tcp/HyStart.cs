using DcSim.SimCore.Units;

namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// HyStart, CUBIC's slow-start exit (Ha and Rhee 2011; Linux's tcp_cubic.c, ns-3's TcpCubic, both on by default): from 16 segments on,
/// slow start ends (ssthresh = cwnd) when, within one round of data, the ACKs arrive as a train (each within 2 ms of the previous) that
/// lasts longer than half the smallest RTT seen — the window has filled the path — or when the smallest of a round's first 8 RTT samples
/// exceeds the smallest RTT ever by more than clamp(min RTT / 8, 4 ms, 16 ms) — a queue has built. It leaves slow start before the loss
/// that would otherwise end it.
/// </summary>
internal sealed class HyStart
{
    private const int LowWindowSegments = 16;
    private const int MinSamples = 8;
    private const long AckDelta = 2 * SimTime.Millisecond;
    private const long DelayThresholdMin = 4 * SimTime.Millisecond, DelayThresholdMax = 16 * SimTime.Millisecond;

    private long _delayMin = long.MaxValue;
    private long _roundStart, _lastAck, _roundEnd = -1;
    private long _roundRtt = long.MaxValue;
    private int _samples;

    /// <summary>An ACK that acknowledged <paramref name="ackedUpTo"/> gave an RTT sample; <paramref name="sentUpTo"/> is the highest sequence sent.</summary>
    public void OnRttSample(CongestionState s, long rttPs, long now, long ackedUpTo, long sentUpTo)
    {
        _delayMin = Math.Min(_delayMin, rttPs);
        if (!s.InSlowStart) return;
        if (_roundEnd < 0 || ackedUpTo > _roundEnd) StartRound(now, sentUpTo);
        if (s.Cwnd < (long)LowWindowSegments * s.Mss) return;
        if (now - _lastAck <= AckDelta)
        {
            _lastAck = now;
            if (now - _roundStart > _delayMin / 2)
            {
                s.Ssthresh = s.Cwnd;
                return;
            }
        }
        _roundRtt = Math.Min(_roundRtt, rttPs);
        if (_samples < MinSamples)
        {
            _samples++;
            return;
        }
        if (_roundRtt > _delayMin + Math.Clamp(_delayMin / 8, DelayThresholdMin, DelayThresholdMax)) s.Ssthresh = s.Cwnd;
    }

    private void StartRound(long now, long sentUpTo)
    {
        (_roundStart, _lastAck, _roundEnd) = (now, now, sentUpTo);
        _roundRtt = long.MaxValue;
        _samples = 0;
    }
}
