using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// One end of a TCP connection (RFC 9293) over the simulated network: the handshake and FIN teardown, MSS segmentation, cumulative and
/// delayed ACKs, SACK (RFC 2018) with the RFC 6675 scoreboard, flow control with zero-window probes, the RFC 6298 retransmission timer
/// with Karn's rule and backoff, fast retransmit and recovery, ECN (RFC 3168, and DCTCP's receiver, RFC 8257 §3.2), and a pluggable
/// congestion control. Bytes are counted, not carried: the application writes and reads byte counts.
/// </summary>
/// <remarks>
/// Both ends start their sequence space at 0 (the SYN's number); data starts at 1. Sequence numbers are 64-bit here and 32-bit on the
/// wire, widened against the receiving end's own state. Recovery follows RFC 6675 with SACK (the window falls to ssthresh and the pipe
/// decides what may be sent) and RFC 6582 without (each duplicate ACK counts as one segment gone, as Linux's non-SACK recovery does, and a
/// partial ACK retransmits the next hole). A timeout marks every unSACKed segment lost and slow-starts from one segment (Linux's loss
/// state). The application is assumed to set TCP_NODELAY (no Nagle). TIME_WAIT is not held: no port is reused in a run.
/// </remarks>
internal sealed class TcpConnection
{
    private const long Never = SimTime.Never;
    /// <summary>Linux's tcp_syn_retries: a SYN unanswered six times aborts the connection.</summary>
    private const int MaxSynRetries = 6;

    private readonly ITcpHost _host;
    private readonly TcpSettings _settings;
    private readonly ICongestionControl _cc;
    private readonly CongestionState _window;
    private readonly RttEstimator _rtt;
    private readonly RetransmissionQueue _sent = new();
    private readonly ReassemblyQueue _reassembly = new();
    private readonly List<long> _armed = [];
    private readonly bool _dctcp;
    private PacketHeaders _headers;

    // Sending side.
    private long _sndUna, _sndNxt, _writeEnd = 1;
    private long _peerWindow;
    private bool _finRequested, _finSent;
    private long _synSentAt;
    private int _synTransmissions;
    private bool _inRecovery, _afterTimeout;
    private long _recoveryPoint;
    private int _dupAcks;
    private long _renoSacked;
    private long _ecnReducedUntil = -1;
    private bool _sendCwr;
    private bool _ecnOk;
    private int _transmissions;

    // Receiving side.
    private long _rcvNxt;
    private long _peerFinSeq = -1;
    private long _unread;
    private bool _readingPaused;
    private int _segmentsSinceAck;
    private bool _ceState, _eceLatched;
    private long _advertised;

    private long _rtoAt = Never, _delayedAckAt = Never, _persistAt = Never;
    private int _persistBackoff;

    /// <param name="flowId">The flow this end's segments are counted under (each direction of a connection has its own).</param>
    /// <param name="headers">This end's headers towards the peer: addresses, ports, protocol TCP.</param>
    public TcpConnection(ITcpHost host, TcpSettings settings, ITcpApplication application, long flowId, PacketHeaders headers, int localEndpoint,
        int remoteEndpoint)
    {
        _host = host;
        _settings = settings;
        Application = application;
        FlowId = flowId;
        _headers = headers;
        _headers.Protocol = PacketHeaders.Tcp;
        FlowHash = _headers.FlowHash();
        LocalEndpoint = localEndpoint;
        RemoteEndpoint = remoteEndpoint;
        _cc = ICongestionControl.Create(settings);
        _dctcp = settings.CongestionControl == CongestionControlKind.Dctcp;
        _window = new CongestionState(settings.Mss, (long)settings.InitialWindowSegments * settings.Mss);
        _rtt = new RttEstimator(settings.MinRtoPs, settings.MaxRtoPs, settings.InitialRtoPs);
        _peerWindow = settings.Mss; // until the peer's SYN says otherwise
    }

    public ITcpApplication Application { get; }
    public long FlowId { get; }
    public uint FlowHash { get; }
    public int LocalEndpoint { get; }
    public int RemoteEndpoint { get; }
    public TcpState State { get; private set; } = TcpState.Closed;
    public TcpConnectionStats Stats { get; } = new();
    public long Cwnd => _window.Cwnd;
    public long Ssthresh => _window.Ssthresh;
    public long SmoothedRttPs => _rtt.SmoothedPs;
    public long RtoPs => _rtt.RtoPs;
    public ICongestionControl CongestionControl => _cc;
    /// <summary>Bytes written and not yet acknowledged (what the send buffer holds).</summary>
    public long Unacknowledged => _writeEnd - Math.Clamp(_sndUna, 1, _writeEnd);
    /// <summary>Bytes the application has written so far.</summary>
    public long Written => _writeEnd - 1;
    /// <summary>Bytes received in order (delivered to the application or waiting to be read).</summary>
    public long ReceivedInOrder => _rcvNxt <= 1 ? 0 : _rcvNxt - 1 - (_peerFinSeq >= 0 && _rcvNxt > _peerFinSeq ? 1 : 0);
    /// <summary>Every byte written has been acknowledged (and the FIN, if one was sent).</summary>
    public bool AllAcknowledged => _sndUna >= _writeEnd + (_finSent ? 1 : 0);

    // ---- Application calls ----

    /// <summary>Active open: sends the SYN.</summary>
    public void Connect()
    {
        State = TcpState.SynSent;
        SendSyn();
        Rearm();
    }

    /// <summary>Passive open: a listener got <paramref name="syn"/> and made this connection for it; answers with a SYN-ACK.</summary>
    public void Accept(in Packet syn)
    {
        State = TcpState.SynReceived;
        _rcvNxt = 1;
        _peerWindow = syn.Tcp.Window;
        _ecnOk = _settings.NegotiatesEcn && (syn.Headers.TcpFlags & (TcpFlags.Ece | TcpFlags.Cwr)) == (TcpFlags.Ece | TcpFlags.Cwr);
        SendSyn();
        Rearm();
    }

    public void Write(long bytes)
    {
        if (bytes <= 0) return;
        _writeEnd += bytes;
        TrySend();
        Rearm();
    }

    /// <summary>No more data: a FIN follows the last byte written.</summary>
    public void Close()
    {
        if (_finRequested) return;
        _finRequested = true;
        TrySend();
        Rearm();
    }

    /// <summary>The application stops writing (iperf at its end): what the send buffer holds still goes, then the FIN.</summary>
    public void StopWriting()
    {
        _writeEnd = Math.Max(_sndNxt, Math.Min(_writeEnd, Math.Max(_sndUna, 1) + _settings.SendBufferBytes));
        Close();
    }

    /// <summary>The application stops reading: arriving data fills the receive buffer and the advertised window shrinks to zero.</summary>
    public void PauseReading() => _readingPaused = true;

    /// <summary>The application reads what waited, and the window reopens (announced at once if it had closed below one segment).</summary>
    public void ResumeReading()
    {
        _readingPaused = false;
        var read = _unread;
        _unread = 0;
        if (read > 0) Application.Received(this, read);
        if (_advertised < _settings.Mss && ReceiveWindow() >= _settings.Mss && State != TcpState.Closed) SendAck();
        Rearm();
    }

    // ---- Network and timer input ----

    public void OnSegment(in Packet p)
    {
        var flags = p.Headers.TcpFlags;
        if ((flags & TcpFlags.Rst) != 0)
        {
            Terminate();
            return;
        }
        switch (State)
        {
            case TcpState.Closed:
                return;
            case TcpState.SynSent:
                OnSynSentSegment(in p);
                Rearm();
                return;
            case TcpState.SynReceived when (flags & TcpFlags.Syn) != 0 && (flags & TcpFlags.Ack) == 0:
                SendSyn(); // our SYN-ACK was lost: the client sent its SYN again
                Rearm();
                return;
        }
        if ((flags & TcpFlags.Syn) != 0)
        {
            SendAck(); // a SYN-ACK again: our ACK of it was lost
            Rearm();
            return;
        }
        if ((flags & TcpFlags.Ack) != 0) OnAck(in p);
        if (State != TcpState.Closed) OnData(in p);
        if (State != TcpState.Closed) TrySend();
        Rearm();
    }

    /// <summary>The timer armed through <see cref="ITcpHost.ArmTimer"/> fired.</summary>
    public void OnTimer()
    {
        if (_armed.Count > 0) _armed.RemoveAt(_armed.Count - 1);
        if (State == TcpState.Closed) return;
        var now = _host.Now;
        if (_delayedAckAt <= now) SendAck();
        if (_rtoAt <= now)
        {
            _rtoAt = Never;
            OnRetransmissionTimeout();
        }
        if (_persistAt <= now)
        {
            _persistAt = Never;
            SendWindowProbe();
        }
        Rearm();
    }

    // ---- Handshake ----

    private void SendSyn()
    {
        var flags = TcpFlags.Syn;
        if (State == TcpState.SynReceived)
        {
            flags |= TcpFlags.Ack;
            if (_ecnOk) flags |= TcpFlags.Ece;
        }
        else if (_settings.NegotiatesEcn) flags |= TcpFlags.Ece | TcpFlags.Cwr;
        _synTransmissions++;
        _synSentAt = _host.Now;
        _sndNxt = 1;
        Emit(0, 0, flags, ect: false);
        _rtoAt = _host.Now + _rtt.RtoPs;
    }

    private void OnSynSentSegment(in Packet p)
    {
        var flags = p.Headers.TcpFlags;
        if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) != (TcpFlags.Syn | TcpFlags.Ack) || p.Tcp.Ack != 1) return;
        if (_synTransmissions == 1) _rtt.Sample(_host.Now - _synSentAt);
        _ecnOk = _settings.NegotiatesEcn && (flags & TcpFlags.Ece) != 0;
        _rcvNxt = 1;
        _sndUna = 1;
        _peerWindow = p.Tcp.Window;
        _rtoAt = Never;
        State = TcpState.Established;
        SendAck();
        Application.Connected(this);
        TrySend();
    }

    // ---- Sending ----

    private void TrySend()
    {
        if (State is TcpState.SynSent or TcpState.SynReceived or TcpState.Closed) return;
        while (true)
        {
            var pipe = Pipe;
            var cwnd = _window.Cwnd;
            var lost = _sent.FirstLost();
            if (lost >= 0)
            {
                // A retransmission goes while the pipe leaves room; the first of a recovery goes regardless (RFC 6675 §5 step 4.3).
                if (pipe >= cwnd && pipe > 0) break;
                Retransmit(lost);
                continue;
            }
            if (!SendNewSegment(pipe, cwnd)) break;
        }
        if (_sent.Count > 0 && _rtoAt == Never) _rtoAt = _host.Now + _rtt.RtoPs;
    }

    /// <summary>Sends the next new segment if the windows and the data allow; false when nothing more can go now.</summary>
    private bool SendNewSegment(long pipe, long cwnd)
    {
        var unsent = _writeEnd - _sndNxt;
        var finDue = _finRequested && !_finSent;
        if (unsent <= 0 && !finDue) return false;
        // Bytes in the send buffer beyond its size wait for the application (it blocks in write()).
        var bufferRoom = _sndUna + _settings.SendBufferBytes - _sndNxt;
        var windowRoom = _sndUna + _peerWindow - _sndNxt;
        var length = (int)Math.Min(_settings.Mss, Math.Max(0, unsent));
        if (length > 0)
        {
            var room = Math.Min(bufferRoom, windowRoom);
            if (room <= 0)
            {
                if (windowRoom <= 0 && _sent.Count == 0 && _persistAt == Never) ArmPersist();
                return false;
            }
            // Silly-window avoidance (RFC 9293 §3.8.6.2.1): no segment smaller than what the data allows unless the window is all there is.
            if (room < length)
            {
                if (_sent.Count > 0) return false;
                length = (int)room;
            }
            if (pipe > 0 && pipe + length > cwnd) return false;
        }
        else if (pipe > 0 && pipe >= cwnd) return false;
        var fin = finDue && _sndNxt + length == _writeEnd;
        var flags = (byte)(TcpFlags.Ack | (fin ? TcpFlags.Fin : 0));
        if (_sendCwr && length > 0)
        {
            flags |= TcpFlags.Cwr;
            _sendCwr = false;
        }
        if (length == 0 && !fin) return false;
        _sent.Add(_sndNxt, length, fin, _host.Now);
        Emit(_sndNxt, length, flags, ect: _ecnOk && length > 0);
        Stats.DataBytesSent += length;
        _sndNxt += length + (fin ? 1 : 0);
        if (fin)
        {
            _finSent = true;
            State = State == TcpState.CloseWait ? TcpState.LastAck : TcpState.FinWait1;
        }
        _persistAt = Never;
        return true;
    }

    private void Retransmit(int index)
    {
        ref var s = ref _sent[index];
        _sent.Retransmitted(index, _host.Now);
        Stats.RetransmittedSegments++;
        Stats.RetransmittedBytes += s.Length;
        var flags = (byte)(TcpFlags.Ack | (s.Fin ? TcpFlags.Fin : 0));
        // RFC 3168 §6.1.5: a retransmission is not ECN-capable; DCTCP (Linux) marks everything it sends.
        Emit(s.Seq, s.Length, flags, ect: _ecnOk && _dctcp && s.Length > 0);
        _rtoAt = _host.Now + _rtt.RtoPs;
    }

    private void SendAck() => Emit(_sndNxt, 0, TcpFlags.Ack, ect: false);

    /// <summary>Linux's zero-window probe: an old sequence number and no data, which the receiver must answer with an ACK carrying its window.</summary>
    private void SendWindowProbe()
    {
        if (State is TcpState.Closed || _writeEnd - _sndNxt <= 0 || _peerWindow > _sndNxt - _sndUna) return;
        Stats.WindowProbes++;
        Emit(_sndUna - 1, 0, TcpFlags.Ack, ect: false);
        _persistBackoff = Math.Min(_persistBackoff + 1, 20);
        ArmPersist();
    }

    private void ArmPersist() => _persistAt = _host.Now + RttEstimator.Doubled(_rtt.RtoPs, _persistBackoff, _settings.MaxRtoPs);

    private void Emit(long seq, int length, byte flags, bool ect)
    {
        var packet = new Packet
        {
            FlowId = FlowId, CreatedAt = _host.Now, Headers = _headers, SourceEndpoint = LocalEndpoint, DestinationEndpoint = RemoteEndpoint,
            PayloadBytes = length, FlowHash = FlowHash, Sequence = _transmissions++,
        };
        if ((flags & TcpFlags.Ack) != 0)
        {
            if (EchoCongestion) flags |= TcpFlags.Ece;
            packet.Tcp.Ack = (uint)_rcvNxt;
            var blocks = _settings.Sack && !_reassembly.IsEmpty ? FillSackBlocks(ref packet) : 0;
            packet.Headers.SackBlocks = (byte)blocks;
            // Any segment that carries an ACK acknowledges everything so far: a delayed ACK is no longer due.
            _segmentsSinceAck = 0;
            _delayedAckAt = Never;
        }
        packet.Headers.TcpFlags = flags;
        packet.Headers.Ecn = ect ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
        packet.Tcp.Seq = (uint)seq;
        _advertised = ReceiveWindow();
        packet.Tcp.Window = (uint)Math.Min(_advertised, uint.MaxValue);
        Stats.SegmentsSent++;
        _host.Transmit(this, in packet);
    }

    private int FillSackBlocks(ref Packet packet)
    {
        Span<(long Start, long End)> blocks = stackalloc (long, long)[TcpSegment.MaxSackBlocks];
        var n = _reassembly.SackBlocks(blocks);
        for (var i = 0; i < n; i++) packet.Tcp.SetSackBlock(i, (uint)blocks[i].Start, (uint)blocks[i].End);
        return n;
    }

    private bool EchoCongestion => _ecnOk && (_dctcp ? _ceState : _eceLatched);

    // ---- Acknowledgements ----

    private void OnAck(in Packet p)
    {
        var ack = Widen(p.Tcp.Ack, _sndUna);
        if (ack > _sndNxt) return; // acknowledges what was never sent
        if (State == TcpState.SynReceived)
        {
            if (ack < 1) return;
            _sndUna = 1;
            _rtoAt = Never;
            if (_synTransmissions == 1) _rtt.Sample(_host.Now - _synSentAt);
            State = TcpState.Established;
            Application.Connected(this);
        }
        var previousWindow = _peerWindow;
        // RFC 9293 §3.10.7.4: an ACK below SND.UNA was overtaken by a newer one, and so was the window it advertised.
        if (ack >= _sndUna) _peerWindow = p.Tcp.Window;
        var ece = _ecnOk && (p.Headers.TcpFlags & TcpFlags.Ece) != 0;
        if (ece) Stats.EcnEchoesReceived++;
        var newSack = _settings.Sack && ReadSackBlocks(in p, ack);
        var flight = Pipe;
        if (ack > _sndUna) OnNewAck(ack, ece, flight);
        else if (ack == _sndUna && p.PayloadBytes == 0 && (p.Headers.TcpFlags & TcpFlags.Fin) == 0 && _sent.Count > 0 && _peerWindow == previousWindow)
            OnDuplicateAck(newSack);
        if (newSack && _inRecovery) _sent.MarkLostBySack(LossThresholdBytes);
        if (_peerWindow > previousWindow && _peerWindow > _sndNxt - _sndUna)
        {
            _persistAt = Never;
            _persistBackoff = 0;
        }
    }

    private long LossThresholdBytes => (long)(_settings.DuplicateAckThreshold - 1) * _settings.Mss;

    private void OnNewAck(long ack, bool ece, long flightBefore)
    {
        var acked = ack - _sndUna;
        var sentAt = _sent.AckUpTo(ack);
        if (sentAt >= 0)
        {
            _rtt.Sample(_host.Now - sentAt);
            _cc.OnRttSample(_window, _host.Now - sentAt, _host.Now, ack, _sndNxt);
        }
        _sndUna = ack;
        Stats.BytesAcked += acked;
        _dupAcks = 0;
        _renoSacked = Math.Max(0, _renoSacked - acked);
        _rtoAt = _sent.Count > 0 ? _host.Now + _rtt.RtoPs : Never;
        if (_finSent && _sndUna >= _writeEnd + 1) OnFinAcknowledged();
        if (_ecnOk) _cc.ObserveEcn(acked, ece, ack, _sndNxt);
        if (_inRecovery)
        {
            if (ack >= _recoveryPoint)
            {
                _inRecovery = false;
                _renoSacked = 0;
                if (!_afterTimeout) _window.Cwnd = Math.Max(_window.Ssthresh, _settings.Mss);
                _afterTimeout = false;
            }
            // RFC 6582 §3.2 step 5: in fast recovery a partial ACK means the next hole is lost too. Not after a timeout: every segment was
            // marked lost then and goes again in order, and the next one's retransmission may already be on its way.
            else if (!_settings.Sack && !_afterTimeout && _sent.Count > 0)
                _sent.MarkLost(ref _sent.First);
        }
        if (ece && _sndUna > _ecnReducedUntil && !_inRecovery)
        {
            _window.Ssthresh = _cc.WindowAfterEcnEcho(_window, flightBefore);
            _window.Cwnd = Math.Max(_window.Ssthresh, _settings.Mss);
            WindowReduced();
            Stats.EcnWindowReductions++;
        }
        else if ((!_inRecovery || _afterTimeout) && WindowLimited(flightBefore))
            _cc.OnAck(_window, acked, _host.Now, _rtt.SmoothedPs);
        if (_window.Cwnd > Stats.MaxCwnd) Stats.MaxCwnd = _window.Cwnd;
    }

    /// <summary>
    /// RFC 3168 §6.1.2: any reduction of the window (an ECN echo's, a fast retransmit's or a timeout's) answers the congestion of the data
    /// sent so far, so no echo for that data reduces it again, and it is announced with CWR on the next new segment, which ends a classic
    /// receiver's echo (Linux's tcp_ecn_queue_cwr on every reduction).
    /// </summary>
    private void WindowReduced()
    {
        _ecnReducedUntil = _sndNxt;
        _sendCwr = _ecnOk;
    }

    /// <summary>Whether the flight before this ACK used the window (Linux's tcp_is_cwnd_limited): an application-limited sender does not grow it.</summary>
    private bool WindowLimited(long flight) =>
        _window.InSlowStart ? 2 * flight >= _window.Cwnd : flight + _settings.Mss >= _window.Cwnd;

    private void OnDuplicateAck(bool newSack)
    {
        Stats.DuplicateAcks++;
        _dupAcks++;
        if (_inRecovery)
        {
            if (!_settings.Sack) EmulateSack();
            return;
        }
        var headLost = newSack && _sent.MarkLostBySack(LossThresholdBytes);
        if (_dupAcks < _settings.DuplicateAckThreshold && !headLost) return;
        // Fast retransmit: enter recovery (RFC 6675 §5 / RFC 6582 §3.2).
        Stats.FastRecoveries++;
        _inRecovery = true;
        _afterTimeout = false;
        _recoveryPoint = _sndNxt;
        _window.Ssthresh = _cc.SsthreshAfterLoss(_window, Pipe);
        _window.Cwnd = _window.Ssthresh;
        WindowReduced();
        _sent.MarkLost(ref _sent.First);
        if (!_settings.Sack) EmulateSack();
        Retransmit(0);
    }

    /// <summary>Without SACK every duplicate ACK says one more segment left the network (Linux's tcp_add_reno_sack).</summary>
    private void EmulateSack() => _renoSacked = Math.Min(_renoSacked + _settings.Mss, Math.Max(0, _sent.OutstandingBytes - _settings.Mss));

    /// <summary>The bytes the sender believes are in the network (RFC 6675 pipe, less what duplicate ACKs reported without SACK).</summary>
    private long Pipe => Math.Max(0, _sent.Pipe - _renoSacked);

    private bool ReadSackBlocks(in Packet p, long ack)
    {
        var changed = false;
        for (var i = 0; i < p.Headers.SackBlocks; i++)
        {
            var (left, right) = p.Tcp.SackBlock(i);
            var l = Widen(left, ack);
            var r = Widen(right, ack);
            if (r <= l || l < ack || r > _sndNxt) continue; // RFC 2018 §5: ignore blocks that make no sense
            changed |= _sent.Sack(l, r);
        }
        return changed;
    }

    private void OnRetransmissionTimeout()
    {
        if (State is TcpState.SynSent or TcpState.SynReceived)
        {
            if (_synTransmissions > MaxSynRetries)
            {
                Terminate();
                return;
            }
            Stats.Timeouts++;
            _rtt.Expired();
            SendSyn();
            return;
        }
        if (_sent.Count == 0) return;
        Stats.Timeouts++;
        // RFC 5681 §3.1 equation (4), on the first expiry only: the flight during repeated expiries says nothing new.
        if (_rtt.Backoff == 0) _window.Ssthresh = _cc.SsthreshAfterLoss(_window, Pipe);
        _rtt.Expired();
        _window.Cwnd = _settings.Mss;
        WindowReduced();
        _sent.MarkAllLost();
        _inRecovery = true;
        _afterTimeout = true;
        _recoveryPoint = _sndNxt;
        _dupAcks = 0;
        _renoSacked = 0;
        var first = _sent.FirstLost();
        if (first < 0)
        {
            // Every outstanding segment was SACKed and still not acknowledged: the receiver dropped them (reneged); start over.
            _sent.ForgetSacks();
            _sent.MarkAllLost();
            first = 0;
        }
        Retransmit(first);
        TrySend();
    }

    private void OnFinAcknowledged()
    {
        State = State switch
        {
            TcpState.FinWait1 => TcpState.FinWait2,
            TcpState.Closing or TcpState.LastAck => TcpState.Closed,
            _ => State,
        };
        if (State == TcpState.Closed) Finish();
    }

    // ---- Receiving ----

    private void OnData(in Packet p)
    {
        var length = p.PayloadBytes;
        var fin = (p.Headers.TcpFlags & TcpFlags.Fin) != 0;
        var seq = Widen(p.Tcp.Seq, _rcvNxt);
        if (length == 0 && !fin)
        {
            if (seq < _rcvNxt) SendAck(); // a zero-window probe
            return;
        }
        if (length > 0) ObserveCongestionMark(p.Headers.Ecn == EcnCodepoint.Ce, (p.Headers.TcpFlags & TcpFlags.Cwr) != 0);
        var end = seq + length;
        var windowEnd = _rcvNxt + Math.Max(ReceiveWindow(), 0);
        if (end > windowEnd)
        {
            // Beyond the window (a probe's byte, or a sender that overran a shrunk window): keep what fits, answer with the window.
            Stats.DuplicateBytesReceived += end - Math.Max(seq, windowEnd);
            end = Math.Max(seq, windowEnd);
            fin = false;
            if (end <= seq)
            {
                SendAck();
                return;
            }
        }
        if (fin) _peerFinSeq = end;
        if (end <= _rcvNxt && !(fin && end == _rcvNxt))
        {
            Stats.DuplicateBytesReceived += end - seq;
            SendAck(); // a duplicate: its ACK tells the sender where we are (RFC 5681 §4.2)
            return;
        }
        if (seq > _rcvNxt)
        {
            Stats.OutOfOrderSegments++;
            if (end > seq) _reassembly.Add(seq, end);
            SendAck(); // out of order: a duplicate ACK at once, with SACK blocks (RFC 5681 §4.2)
            return;
        }
        var hadHoles = !_reassembly.IsEmpty;
        if (seq < _rcvNxt) Stats.DuplicateBytesReceived += _rcvNxt - seq;
        var before = _rcvNxt;
        _rcvNxt = _reassembly.Advance(end);
        var delivered = _rcvNxt - before;
        var finNow = _peerFinSeq >= 0 && _rcvNxt == _peerFinSeq;
        if (finNow) _rcvNxt++;
        Stats.BytesReceived += delivered;
        Deliver(delivered);
        if (finNow)
        {
            OnPeerFin();
            return;
        }
        _segmentsSinceAck++;
        if (hadHoles || _segmentsSinceAck >= _settings.DelayedAckSegments) SendAck();
        else if (_delayedAckAt == Never) _delayedAckAt = _host.Now + _settings.DelayedAckTimeoutPs;
    }

    /// <summary>
    /// ECN at the receiver. Classic (RFC 3168 §6.1.3): a CE mark latches ECE on every ACK until a segment with CWR. DCTCP (RFC 8257 §3.2):
    /// ECE mirrors the last segment's mark, and a change of state first acknowledges the segments received under the old one.
    /// </summary>
    private void ObserveCongestionMark(bool ce, bool cwr)
    {
        if (ce) Stats.CeMarkedReceived++;
        if (!_ecnOk) return;
        if (_dctcp)
        {
            if (ce != _ceState && _segmentsSinceAck > 0) SendAck();
            _ceState = ce;
            return;
        }
        if (cwr) _eceLatched = false;
        if (ce) _eceLatched = true;
    }

    private void Deliver(long bytes)
    {
        if (bytes <= 0) return;
        if (_readingPaused)
        {
            _unread += bytes;
            return;
        }
        Application.Received(this, bytes);
    }

    /// <summary>The peer's FIN arrived in order: the application hears the end of the stream whether or not it had closed its own side.</summary>
    private void OnPeerFin()
    {
        SendAck();
        State = State switch
        {
            TcpState.Established => TcpState.CloseWait,
            TcpState.FinWait1 => TcpState.Closing,
            _ => State,
        };
        Application.PeerClosed(this);
        if (State == TcpState.FinWait2) Finish();
    }

    /// <summary>
    /// The window to advertise: the buffer less what the application has not read. Out-of-order data does not shrink it, as Linux never
    /// moves the window's right edge back, so that duplicate ACKs keep an unchanged window and count as such (RFC 5681 §2).
    /// </summary>
    private long ReceiveWindow() => _settings.ReceiveBufferBytes - _unread;

    // ---- Lifetime and timers ----

    private void Finish()
    {
        State = TcpState.Closed;
        (_rtoAt, _delayedAckAt, _persistAt) = (Never, Never, Never);
        Application.Closed(this);
    }

    private void Terminate()
    {
        if (State == TcpState.Closed) return;
        Finish();
    }

    /// <summary>
    /// Keeps one timer event pending for the earliest deadline. Deadlines move later all the time (every ACK restarts the RTO) and
    /// cost nothing then: the event fires, finds nothing due and re-arms. An event is added only for a deadline earlier than every
    /// pending one, so pending events fire in the reverse order of arming and the one firing is always the last armed.
    /// </summary>
    private void Rearm()
    {
        if (State == TcpState.Closed) return;
        var next = Math.Min(_rtoAt, Math.Min(_delayedAckAt, _persistAt));
        if (next == Never) return;
        if (_armed.Count > 0 && _armed[^1] <= next) return;
        _armed.Add(next);
        _host.ArmTimer(this, next);
    }

    /// <summary>Widens a 32-bit sequence number to the 64-bit one nearest <paramref name="reference"/> (RFC 1982 serial arithmetic).</summary>
    internal static long Widen(uint wire, long reference) => reference + (int)(wire - (uint)reference);
}
