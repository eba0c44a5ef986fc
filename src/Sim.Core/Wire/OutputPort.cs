using System.Runtime.CompilerServices;
using DcSim.SimCore.Capture;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;

namespace DcSim.SimCore.Wire;

/// <summary>
/// An output port and the directed link it drives: a finite FIFO with tail drop, a transmitter that
/// serializes one frame at a time at line rate, and the propagation delay to the peer.
/// </summary>
/// <remarks>
/// A frame occupies the port for (frame + preamble + gap) × 8 / rate; its last bit reaches the peer
/// one propagation delay after that, which is when the packet event for the peer's port fires (store and
/// forward). When a frame has left, the port's owner gets its timer <c>transmitDoneTimer</c> with the port's
/// index as token and calls <see cref="OnTransmitDone"/>. The port owns its counters; the owner reports them.
/// It is shared physics: NICs (Actors.Nic) and fabric switches (Actors.Network) both drive links, and
/// neither project may depend on the other.
///
/// With ECN marking on (<see cref="EcnMarking"/>), an <see cref="EcnMarker"/> judges each arriving packet against the
/// queue it finds, before the tail-drop check: a mark sets CE on the copy the queue keeps (counted only when the packet
/// is admitted and was not CE already), an early drop (RED, non-ECT packets) counts as a drop. With marking off the
/// port has no marker and the path of a packet is the tail-drop FIFO alone.
///
/// A port named as a capture point (<see cref="CapturePoints"/>) gets a <see cref="PortCapture"/> that records each frame when its
/// transmission starts, which is what a capture on the interface sees; a port without one pays a null check per frame.
/// </remarks>
public sealed class OutputPort
{
    private readonly LogicalProcess _owner;
    private readonly ushort _ownerComponent;
    private readonly ushort _transmitDoneTimer;
    private readonly ushort _peerComponent;
    private readonly string _peerName;
    // The counters every transmission changes live in the port itself, beside its state: a separate object would be one more cache
    // line per frame. The rest (queue integrals, drops, marks) are made with the queue.
    private long _txPackets, _txWireBytes, _busyPs;
    // The queue, its counters and the drops by flow are made by the first packet that waits, is dropped or marked: most ports of a
    // large, lightly loaded fabric never queue (docs/benchmarks.md, "Issue 14: 10,240 hosts").
    private Packet[] _ring = [];
    private long[] _enqueuedAt = [];
    private int _head, _count;
    private long _queuedBytes;
    private bool _busy;
    private long _lastChange;
    private QueueCounters? _queue;
    private readonly EcnMarker? _marker;
    private readonly QueueTrace? _trace;
    private PortCapture? _capture;

    /// <param name="owner">The LP the port belongs to.</param>
    /// <param name="ownerComponent">Component of <paramref name="owner"/> that gets the transmit-done timer.</param>
    /// <param name="transmitDoneTimer">That component's timer number for "a frame has left".</param>
    /// <param name="index">The port's number at its owner (also the token of its timer).</param>
    /// <param name="peer">The receiving LP, component and port.</param>
    /// <param name="ecn">ECN marking of the queue; null or <see cref="EcnMarking.Off"/> for tail drop alone.</param>
    /// <param name="seed">The scenario seed, from which a RED queue's random stream is drawn (with the owner's id and <paramref name="index"/>).</param>
    public OutputPort(LogicalProcess owner, ushort ownerComponent, ushort transmitDoneTimer, int index, string peerName,
        (int Lp, ushort Component, int Port) peer, DataRate rate, long delayPs, QueueLimit limit, EcnMarking? ecn = null, ulong seed = 0,
        long traceIntervalPs = 0)
    {
        if (traceIntervalPs > 0) _trace = new QueueTrace(traceIntervalPs);
        _owner = owner;
        _ownerComponent = ownerComponent;
        _transmitDoneTimer = transmitDoneTimer;
        _peerComponent = peer.Component;
        _peerName = peerName;
        var (peerLp, _, peerPort) = peer;
        Index = index;
        PeerLp = peerLp;
        PeerPort = peerPort;
        Rate = rate;
        DelayPs = delayPs;
        Limit = limit;
        _marker = ecn is null ? null : EcnMarker.Create(ecn, limit.Unit, rate, seed, owner.Id, index);
        owner.AddOutputPort(this);
    }

    public int Index { get; }
    public int PeerLp { get; }
    public int PeerPort { get; }
    public DataRate Rate { get; }
    public long DelayPs { get; }
    public QueueLimit Limit { get; }
    public int QueuedPackets => _count;

    /// <summary>The link's counters as they stand (a copy: the port keeps its own), queue integrals up to the last change of the queue.</summary>
    public LinkStats Stats
    {
        get
        {
            var q = _queue;
            return new LinkStats
            {
                From = _owner.Name, To = _peerName, FromLp = _owner.Id, FromPort = Index, RateBps = Rate.BitsPerSecond, DelayPs = DelayPs,
                TxPackets = _txPackets, TxWireBytes = _txWireBytes, BusyPs = _busyPs, WaitCount = _txPackets,
                DroppedPackets = q?.DroppedPackets ?? 0, DroppedBytes = q?.DroppedBytes ?? 0, EarlyDroppedPackets = q?.EarlyDroppedPackets ?? 0,
                EcnMarkedPackets = q?.EcnMarkedPackets ?? 0, QueuePacketPs = q?.QueuePacketPs ?? 0, QueueBytePs = q?.QueueBytePs ?? 0,
                QueueMaxPackets = q?.QueueMaxPackets ?? 0, QueueMaxBytes = q?.QueueMaxBytes ?? 0, WaitSumPs = q?.WaitSumPs ?? 0,
            };
        }
    }

    /// <summary>The port's name in the results (links.csv, drops, capture points): FROM-&gt;TO.</summary>
    public string Point => $"{_owner.Name}{CapturePoints.Arrow}{_peerName}";

    private QueueCounters Queue => _queue ??= new QueueCounters();

    /// <summary>From now on, records the frames the port transmits, up to <paramref name="limit"/> of them (the rest are only counted).</summary>
    public void StartCapture(int limit) => _capture = new PortCapture(limit);

    /// <summary>Smallest time from the start of a transmission to its arrival: the link's lookahead.</summary>
    public static long MinimumLatency(DataRate rate, long delayPs) => rate.TransmitTime(Ethernet.MinWireBytes) + delayPs;

    /// <summary>Queues a packet for transmission, or drops it: tail drop when the queue is full, or RED's early drop.</summary>
    public void Enqueue(in Packet packet)
    {
        if (_marker is not null)
        {
            EnqueueJudged(packet);
            return;
        }
        if (!_busy)
        {
            StartTransmission(in packet, _owner.Now, Ethernet.FrameBytes(in packet));
            return;
        }
        var frame = Ethernet.FrameBytes(in packet);
        if (!Limit.Admits(_count, _queuedBytes, frame))
        {
            CountDrop(in packet);
            return;
        }
        Store(in packet, frame);
    }

    /// <summary>Enqueue with ECN marking; <paramref name="packet"/> is this port's own copy, so a mark can change it.</summary>
    private void EnqueueJudged(Packet packet)
    {
        var now = _owner.Now;
        // With nothing waiting, the last change of the queue (Account) was the departure that emptied it: RED's idle start.
        var verdict = _marker!.OnArrival(_count, _queuedBytes, _lastChange, now, EcnCodepoint.IsCapable(packet.Headers.Ecn));
        if (verdict == EcnVerdict.Drop)
        {
            Queue.EarlyDroppedPackets++;
            CountDrop(in packet);
            return;
        }
        var frame = Ethernet.FrameBytes(in packet);
        if (_busy && !Limit.Admits(_count, _queuedBytes, frame))
        {
            CountDrop(in packet);
            return;
        }
        if (verdict == EcnVerdict.Mark && packet.Headers.Ecn != EcnCodepoint.Ce)
        {
            packet.Headers.Ecn = EcnCodepoint.Ce;
            Queue.EcnMarkedPackets++;
        }
        if (_busy) Store(in packet, frame);
        else StartTransmission(in packet, now, frame);
    }

    private void CountDrop(in Packet packet)
    {
        var q = Queue;
        q.DroppedPackets++;
        q.DroppedBytes += packet.PayloadBytes;
        q.DropsByFlow ??= [];
        var d = q.DropsByFlow.GetValueOrDefault(packet.FlowId);
        q.DropsByFlow[packet.FlowId] = (d.Packets + 1, d.Bytes + packet.PayloadBytes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(in Packet packet, int frame)
    {
        Account(_owner.Now);
        if (_count == _ring.Length) Grow();
        var tail = (_head + _count) % _ring.Length;
        _ring[tail] = packet;
        _enqueuedAt[tail] = _owner.Now;
        _count++;
        _queuedBytes += frame;
        var q = Queue;
        if (_count > q.QueueMaxPackets) q.QueueMaxPackets = _count;
        if (_queuedBytes > q.QueueMaxBytes) q.QueueMaxBytes = _queuedBytes;
    }

    /// <summary>The frame in service has left the port: start the next one, if any.</summary>
    public void OnTransmitDone()
    {
        _busy = false;
        if (_count == 0) return;
        Account(_owner.Now);
        var packet = _ring[_head];
        var enqueuedAt = _enqueuedAt[_head];
        _head = (_head + 1) % _ring.Length;
        _count--;
        var frame = Ethernet.FrameBytes(in packet);
        _queuedBytes -= frame;
        StartTransmission(in packet, enqueuedAt, frame);
    }

    /// <summary>Closes the occupancy integral at the end of the run and reports drops and held packets.</summary>
    public void Report(ResultsBuilder results, long endTime)
    {
        Account(endTime);
        results.AddLink(Stats);
        var where = Point;
        if (_capture is not null) results.Captures.Add(where, _capture.Frames());
        if (_trace is not null) results.SeriesOf($"queue/{where}").AddRange(_trace.Points);
        foreach (var (flowId, (packets, bytes)) in _queue?.DropsByFlow ?? [])
        {
            var f = results.Flow(flowId);
            f.DroppedPackets += packets;
            f.DroppedBytes += bytes;
            f.DropsAt[where] = f.DropsAt.GetValueOrDefault(where) + packets;
        }
        for (var i = 0; i < _count; i++)
        {
            ref readonly var p = ref _ring[(_head + i) % _ring.Length];
            var f = results.Flow(p.FlowId);
            f.InFlightPackets++;
            f.InFlightBytes += p.PayloadBytes;
        }
    }

    /// <summary>
    /// The link's figures as they stand at <paramref name="now"/> (between windows, for queries): a copy whose queue integrals run to
    /// <paramref name="now"/>, and the queue trace so far. The port's own figures are left as they are, so a query changes no result.
    /// </summary>
    public void Snapshot(ResultsBuilder results, long now)
    {
        var stats = Stats;
        var dt = now - _lastChange;
        if (dt > 0 && _count > 0)
        {
            stats.QueuePacketPs += (Int128)_count * dt;
            stats.QueueBytePs += (Int128)_queuedBytes * dt;
        }
        results.AddLink(stats);
        if (_trace is not null) results.SeriesOf($"queue/{Point}").AddRange(_trace.Points);
    }

    /// <param name="frameBytes">The packet's frame size, which the caller has already worked out.</param>
    private void StartTransmission(in Packet packet, long enqueuedAt, int frameBytes)
    {
        var now = _owner.Now;
        var wireBytes = frameBytes + Ethernet.PreambleAndGapBytes;
        var txTime = Rate.TransmitTime(wireBytes);
        _busy = true;
        _txPackets++;
        _txWireBytes += wireBytes;
        _busyPs += txTime;
        // A packet that did not wait adds nothing: then the port may have no queue counters.
        if (now != enqueuedAt) Queue.WaitSumPs += now - enqueuedAt;
        _capture?.Add(now, in packet);
        _owner.ScheduleTimer(now + txTime, _ownerComponent, _transmitDoneTimer, Index);
        _owner.SendPacket(PeerLp, now + txTime + DelayPs, _peerComponent, (ushort)PeerPort, in packet);
    }

    private void Account(long now)
    {
        _trace?.Until(now, _count);
        var dt = now - _lastChange;
        if (dt > 0 && _count > 0)
        {
            var q = Queue;
            q.QueuePacketPs += (Int128)_count * dt;
            q.QueueBytePs += (Int128)_queuedBytes * dt;
        }
        _lastChange = now;
    }

    private void Grow()
    {
        var size = Math.Max(16, _ring.Length * 2);
        var ring = new Packet[size];
        var at = new long[size];
        for (var i = 0; i < _count; i++)
        {
            ring[i] = _ring[(_head + i) % _ring.Length];
            at[i] = _enqueuedAt[(_head + i) % _ring.Length];
        }
        _ring = ring;
        _enqueuedAt = at;
        _head = 0;
    }
}
