namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// The sender's scoreboard (RFC 6675): the segments sent and not yet cumulatively acknowledged, in sequence order, with running totals
/// of their bytes, of the bytes the receiver SACKed, of the bytes deemed lost and not yet sent again, and of the retransmissions in flight,
/// from which the pipe (the bytes the sender believes are in the network) follows without a scan: outstanding − SACKed − lost. A lost
/// segment leaves the lost total when it is retransmitted, so its retransmission counts once in the outstanding bytes, as RFC 6675's
/// SetPipe counts a lost and retransmitted octet once.
/// </summary>
internal sealed class RetransmissionQueue
{
    private SentSegment[] _ring = new SentSegment[16];
    private int _head, _count;

    public int Count => _count;
    public long OutstandingBytes { get; private set; }
    public long SackedBytes { get; private set; }
    public long LostBytes { get; private set; }
    public long RetransmitInFlightBytes { get; private set; }

    /// <summary>RFC 6675 SetPipe(), kept up to date.</summary>
    public long Pipe => OutstandingBytes - SackedBytes - LostBytes;

    public ref SentSegment this[int i] => ref _ring[(_head + i) & (_ring.Length - 1)];

    public ref SentSegment First => ref this[0];

    public void Add(long seq, int length, bool fin, long now)
    {
        if (_count == _ring.Length) Grow();
        this[_count++] = new SentSegment { Seq = seq, Length = length, Fin = fin, SentAt = now };
        OutstandingBytes += length;
    }

    /// <summary>Removes the segments wholly below <paramref name="ack"/>; returns the send time of the last removed one never retransmitted (Karn), or -1.</summary>
    public long AckUpTo(long ack)
    {
        long sample = -1;
        while (_count > 0 && First.End <= ack)
        {
            ref var s = ref First;
            if (!s.EverRetransmitted) sample = s.SentAt;
            Forget(ref s);
            _head = (_head + 1) & (_ring.Length - 1);
            _count--;
        }
        return sample;
    }

    /// <summary>Marks the segments wholly inside [left, right) as SACKed; returns whether any was new.</summary>
    public bool Sack(long left, long right)
    {
        var changed = false;
        for (var i = FirstAtOrAbove(left); i < _count; i++)
        {
            ref var s = ref this[i];
            if (s.End > right) break;
            if (s.Sacked || s.Seq < left) continue;
            if (s.Lost) { s.Lost = false; LostBytes -= s.Length; }
            if (s.RetransmitInFlight) { s.RetransmitInFlight = false; RetransmitInFlightBytes -= s.Length; }
            s.Sacked = true;
            SackedBytes += s.Length;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// RFC 6675 IsLost over the whole queue: a segment is lost when more than <paramref name="thresholdBytes"/> ((DupThresh − 1) · SMSS) are SACKed
    /// above it. Marks them (a segment whose retransmission is in flight stays as it is); returns whether any became lost.
    /// </summary>
    public bool MarkLostBySack(long thresholdBytes)
    {
        if (SackedBytes <= thresholdBytes) return false;
        long above = 0;
        var changed = false;
        for (var i = _count - 1; i >= 0; i--)
        {
            ref var s = ref this[i];
            if (s.Sacked) { above += s.Length; continue; }
            if (above > thresholdBytes && !s.Lost && !s.RetransmitInFlight) { MarkLost(ref s); changed = true; }
        }
        return changed;
    }

    /// <summary>A timeout: every segment not SACKed is lost again, retransmissions in flight included (Linux's tcp_enter_loss).</summary>
    public void MarkAllLost()
    {
        for (var i = 0; i < _count; i++)
        {
            ref var s = ref this[i];
            if (s.Sacked) continue;
            if (s.RetransmitInFlight) { s.RetransmitInFlight = false; RetransmitInFlightBytes -= s.Length; }
            if (!s.Lost) MarkLost(ref s);
        }
    }

    /// <summary>The receiver dropped data it had SACKed (RFC 2018 §8 allows it): nothing is known to be there any more.</summary>
    public void ForgetSacks()
    {
        for (var i = 0; i < _count; i++) this[i].Sacked = false;
        SackedBytes = 0;
    }

    public void MarkLost(ref SentSegment s)
    {
        if (s.Lost || s.Sacked) return;
        if (s.RetransmitInFlight) { s.RetransmitInFlight = false; RetransmitInFlightBytes -= s.Length; }
        s.Lost = true;
        LostBytes += s.Length;
    }

    /// <summary>The first segment marked lost and not yet retransmitted since (RFC 6675 NextSeg rule 1), or -1.</summary>
    public int FirstLost()
    {
        if (LostBytes == 0 && !AnyEmptyLost()) return -1;
        for (var i = 0; i < _count; i++)
            if (this[i].Lost) return i;
        return -1;
    }

    /// <summary>The segment at <paramref name="i"/> goes out again.</summary>
    public void Retransmitted(int i, long now)
    {
        ref var s = ref this[i];
        if (s.Lost) { s.Lost = false; LostBytes -= s.Length; }
        if (!s.RetransmitInFlight) { s.RetransmitInFlight = true; RetransmitInFlightBytes += s.Length; }
        s.EverRetransmitted = true;
        s.SentAt = now;
    }

    private bool AnyEmptyLost()
    {
        // A lost zero-length FIN adds no bytes to LostBytes; look for it only when the queue ends with one.
        return _count > 0 && this[_count - 1].Fin && this[_count - 1].Length == 0 && this[_count - 1].Lost;
    }

    private int FirstAtOrAbove(long seq)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (this[mid].Seq < seq) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private void Forget(ref SentSegment s)
    {
        OutstandingBytes -= s.Length;
        if (s.Sacked) SackedBytes -= s.Length;
        if (s.Lost) LostBytes -= s.Length;
        if (s.RetransmitInFlight) RetransmitInFlightBytes -= s.Length;
    }

    private void Grow()
    {
        var ring = new SentSegment[_ring.Length * 2];
        for (var i = 0; i < _count; i++) ring[i] = this[i];
        _ring = ring;
        _head = 0;
    }
}
