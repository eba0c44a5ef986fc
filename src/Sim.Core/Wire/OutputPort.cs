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
    private readonly PortProfile _profile;
    // The queue, its counters, the drops by flow, a marker, trace or capture: made by the first packet that waits, is dropped or
    // marked (at once with a marker or a trace). Most ports of a large, lightly loaded fabric never queue (docs/benchmarks.md,
    // "Issue 14: an idle host under 1 KB").
    private PortQueue? _queue;
    // The counters every transmission changes live in the port itself, beside its state: a separate object would be one more cache
    // line per frame.
    private long _txPackets, _txWireBytes, _busyPs;
    private int _count;
    private readonly ushort _peerPort;
    private bool _busy;

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
        : this(owner, new PortProfile(rate, delayPs, limit, ownerComponent, transmitDoneTimer, peer.Component, OnlyName(peer.Lp, peerName)), index,
            (peer.Lp, peer.Port), ecn, seed, traceIntervalPs)
    {
    }

    // A port made alone (a test rig) has no builder's list of names: one that names its peer only.
    private static string[] OnlyName(int peerLp, string peerName)
    {
        var names = new string[peerLp + 1];
        names[peerLp] = peerName;
        return names;
    }

    /// <param name="profile">What the port shares with the other ports of its kind of link (a builder's <see cref="PortProfiles"/>).</param>
    /// <param name="peer">The receiving LP and port; the component and the LP's name are the profile's.</param>
    public OutputPort(LogicalProcess owner, PortProfile profile, int index, (int Lp, int Port) peer, EcnMarking? ecn = null,
        ulong seed = 0, long traceIntervalPs = 0)
    {
        _owner = owner;
        _profile = profile;
        var (rate, limit) = (profile.Rate, profile.Limit);
        var (peerLp, peerPort) = peer;
        if (peerPort is < 0 or > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(peer), peerPort, "a port number must fit an event's port");
        Index = index;
        PeerLp = peerLp;
        _peerPort = (ushort)peerPort;
        var marker = ecn is null ? null : EcnMarker.Create(ecn, limit.Unit, rate, seed, owner.Id, index);
        if (marker is not null || traceIntervalPs > 0) _queue = new PortQueue(marker, traceIntervalPs > 0 ? new QueueTrace(traceIntervalPs) : null);
        owner.AddOutputPort(this);
    }

    public int Index { get; }
    public int PeerLp { get; }
    public int PeerPort => _peerPort;
    public DataRate Rate => _profile.Rate;
    public long DelayPs => _profile.DelayPs;
    public QueueLimit Limit => _profile.Limit;
    public int QueuedPackets => _count;

    /// <summary>The link's counters as they stand (a copy: the port keeps its own), queue integrals up to the last change of the queue.</summary>
    public LinkStats Stats
    {
        get
        {
            var q = _queue;
            return new LinkStats
            {
                From = _owner.Name, To = PeerName, FromLp = _owner.Id, FromPort = Index, RateBps = Rate.BitsPerSecond, DelayPs = DelayPs,
                TxPackets = _txPackets, TxWireBytes = _txWireBytes, BusyPs = _busyPs, WaitCount = _txPackets,
                DroppedPackets = q?.DroppedPackets ?? 0, DroppedBytes = q?.DroppedBytes ?? 0, EarlyDroppedPackets = q?.EarlyDroppedPackets ?? 0,
                EcnMarkedPackets = q?.EcnMarkedPackets ?? 0, QueuePacketPs = q?.QueuePacketPs ?? 0, QueueBytePs = q?.QueueBytePs ?? 0,
                QueueMaxPackets = q?.QueueMaxPackets ?? 0, QueueMaxBytes = q?.QueueMaxBytes ?? 0, WaitSumPs = q?.WaitSumPs ?? 0,
            };
        }
    }

    /// <summary>The port's name in the results (links.csv, drops, capture points): FROM-&gt;TO.</summary>
    public string Point => $"{_owner.Name}{CapturePoints.Arrow}{PeerName}";

    private string PeerName => _profile.PeerNames[PeerLp];

    private PortQueue Queue => _queue ??= new PortQueue(null, null);

    /// <summary>From now on, records the frames the port transmits, up to <paramref name="limit"/> of them (the rest are only counted).</summary>
    public void StartCapture(int limit) => Queue.Capture = new PortCapture(limit);

    /// <summary>Smallest time from the start of a transmission to its arrival: the link's lookahead.</summary>
    public static long MinimumLatency(DataRate rate, long delayPs) => rate.TransmitTime(Ethernet.MinWireBytes) + delayPs;

    /// <summary>Queues a packet for transmission, or drops it: tail drop when the queue is full, or RED's early drop.</summary>
    /// <remarks>
    /// Inlined where a frame is forwarded: nearly every frame on a lightly loaded fabric finds the port idle and without a marker, and
    /// that test is all the caller runs before the transmission; the rest is a call away (docs/benchmarks.md, "Issue 14, eighth round").
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(in Packet packet)
    {
        if (!_busy && _queue?.Marker is null) StartTransmission(in packet, _owner.Now, Ethernet.FrameBytes(in packet));
        else EnqueueBusyOrJudged(in packet);
    }

    private void EnqueueBusyOrJudged(in Packet packet)
    {
        if (_queue?.Marker is not null)
        {
            EnqueueJudged(packet);
            return;
        }
        var frame = Ethernet.FrameBytes(in packet);
        if (!Limit.Admits(_count, _queue?.QueuedBytes ?? 0, frame))
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
        var q = _queue!;
        // With nothing waiting, the last change of the queue (Account) was the departure that emptied it: RED's idle start.
        var verdict = q.Marker!.OnArrival(_count, q.QueuedBytes, q.LastChange, now, EcnCodepoint.IsCapable(packet.Headers.Ecn));
        if (verdict == EcnVerdict.Drop)
        {
            q.EarlyDroppedPackets++;
            CountDrop(in packet);
            return;
        }
        var frame = Ethernet.FrameBytes(in packet);
        if (_busy && !Limit.Admits(_count, q.QueuedBytes, frame))
        {
            CountDrop(in packet);
            return;
        }
        if (verdict == EcnVerdict.Mark && packet.Headers.Ecn != EcnCodepoint.Ce)
        {
            packet.Headers.Ecn = EcnCodepoint.Ce;
            q.EcnMarkedPackets++;
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
        var q = Queue;
        Account(q, _owner.Now);
        if (_count == q.Ring.Length) q.Grow(_count);
        var tail = (q.Head + _count) % q.Ring.Length;
        q.Ring[tail] = packet;
        q.EnqueuedAt[tail] = _owner.Now;
        _count++;
        q.QueuedBytes += frame;
        if (_count > q.QueueMaxPackets) q.QueueMaxPackets = _count;
        if (q.QueuedBytes > q.QueueMaxBytes) q.QueueMaxBytes = q.QueuedBytes;
    }

    /// <summary>The frame in service has left the port: start the next one, if any.</summary>
    /// <remarks>Inlined where the timer is handled: on a lightly loaded fabric the queue is nearly always empty by then.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnTransmitDone()
    {
        _busy = false;
        if (_count != 0) StartNext();
    }

    private void StartNext()
    {
        var q = _queue!;
        Account(q, _owner.Now);
        var packet = q.Ring[q.Head];
        var enqueuedAt = q.EnqueuedAt[q.Head];
        q.Head = (q.Head + 1) % q.Ring.Length;
        _count--;
        var frame = Ethernet.FrameBytes(in packet);
        q.QueuedBytes -= frame;
        StartTransmission(in packet, enqueuedAt, frame);
    }

    /// <summary>Closes the occupancy integral at the end of the run and reports drops and held packets.</summary>
    public void Report(ResultsBuilder results, long endTime)
    {
        var q = _queue;
        // A port that never queued has no integral to close.
        if (q is not null) Account(q, endTime);
        results.AddLink(Stats);
        if (q is null) return;
        var where = Point;
        if (q.Capture is not null) results.Captures.Add(where, q.Capture.Frames());
        if (q.Trace is not null) results.SeriesOf($"queue/{where}").AddRange(q.Trace.Points);
        foreach (var (flowId, (packets, bytes)) in q.DropsByFlow ?? [])
        {
            var f = results.Flow(flowId);
            f.DroppedPackets += packets;
            f.DroppedBytes += bytes;
            f.DropsAt[where] = f.DropsAt.GetValueOrDefault(where) + packets;
        }
        for (var i = 0; i < _count; i++)
        {
            ref readonly var p = ref q.Ring[(q.Head + i) % q.Ring.Length];
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
        var q = _queue;
        if (q is not null && now - q.LastChange is var dt and > 0 && _count > 0)
        {
            stats.QueuePacketPs += (Int128)_count * dt;
            stats.QueueBytePs += (Int128)q.QueuedBytes * dt;
        }
        results.AddLink(stats);
        if (q?.Trace is not null) results.SeriesOf($"queue/{Point}").AddRange(q.Trace.Points);
    }

    /// <param name="frameBytes">The packet's frame size, which the caller has already worked out.</param>
    private void StartTransmission(in Packet packet, long enqueuedAt, int frameBytes)
    {
        var now = _owner.Now;
        var profile = _profile;
        var wireBytes = frameBytes + Ethernet.PreambleAndGapBytes;
        var txTime = profile.Rate.TransmitTime(wireBytes);
        _busy = true;
        _txPackets++;
        _txWireBytes += wireBytes;
        _busyPs += txTime;
        // A packet that did not wait adds nothing (and then the port may have no queue); one that waited was stored in the queue.
        if (now != enqueuedAt) _queue!.WaitSumPs += now - enqueuedAt;
        _queue?.Capture?.Add(now, in packet);
        _owner.Transmit(now + txTime, profile.OwnerComponent, profile.TransmitDoneTimer, Index, PeerLp, now + txTime + profile.DelayPs,
            profile.PeerComponent, _peerPort, in packet);
    }

    private void Account(PortQueue q, long now)
    {
        q.Trace?.Until(now, _count);
        var dt = now - q.LastChange;
        if (dt > 0 && _count > 0)
        {
            q.QueuePacketPs += (Int128)_count * dt;
            q.QueueBytePs += (Int128)q.QueuedBytes * dt;
        }
        q.LastChange = now;
    }
}
