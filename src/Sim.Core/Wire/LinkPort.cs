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
/// index as token and hands it back to the port. The port owns its counters; the owner reports them.
/// It is shared physics: NICs (Actors.Nic) and fabric switches (Actors.Network) both drive links, and
/// neither project may depend on the other. Its two kinds differ only in where a port's <see cref="PortState"/> lives: a NIC's
/// <see cref="OutputPort"/> keeps it in itself, a switch's <see cref="SwitchPort"/> in its switch's <see cref="SwitchPorts"/>.
///
/// With ECN marking on (<see cref="EcnMarking"/>), an <see cref="EcnMarker"/> judges each arriving packet against the
/// queue it finds, before the tail-drop check: a mark sets CE on the copy the queue keeps (counted only when the packet
/// is admitted and was not CE already), an early drop (RED, non-ECT packets) counts as a drop. With marking off the
/// port has no marker and the path of a packet is the tail-drop FIFO alone.
///
/// A port named as a capture point (<see cref="CapturePoints"/>) gets a <see cref="PortCapture"/> that records each frame when its
/// transmission starts, which is what a capture on the interface sees.
/// </remarks>
public abstract class LinkPort
{
    // The queue, its counters, the drops by flow, a marker, trace or capture: made by the first packet that waits, is dropped or
    // marked (at once with a marker or a trace). Most ports of a large, lightly loaded fabric never queue (docs/benchmarks.md,
    // "Issue 14: an idle host under 1 KB").
    private PortQueue? _queue;

    /// <param name="owner">The LP the port belongs to.</param>
    /// <param name="profile">What the port shares with the other ports of its kind of link (a builder's <see cref="PortProfiles"/>).</param>
    /// <param name="index">The port's number at its owner (also the token of its timer).</param>
    /// <param name="ecn">ECN marking of the queue; null or <see cref="EcnMarking.Off"/> for tail drop alone.</param>
    /// <param name="seed">The scenario seed, from which a RED queue's random stream is drawn (with the owner's id and <paramref name="index"/>).</param>
    private protected LinkPort(LogicalProcess owner, PortProfile profile, int index, EcnMarking? ecn, ulong seed, long traceIntervalPs)
    {
        Index = index;
        var marker = ecn is null ? null : EcnMarker.Create(ecn, profile.Limit.Unit, profile.Rate, seed, owner.Id, index);
        if (marker is not null || traceIntervalPs > 0) _queue = new PortQueue(marker, traceIntervalPs > 0 ? new QueueTrace(traceIntervalPs) : null);
        // Listed among its LP's ports, whatever keeps its state: where names, captures and snapshots find every port.
        owner.AddOutputPort(this);
    }

    /// <summary>The state a new port starts with: idle, nothing sent, its peer's LP and port.</summary>
    private protected PortState Initial((int Lp, int Port) peer)
    {
        var (peerLp, peerPort) = peer;
        if (peerPort is < 0 or > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(peer), peerPort, "a port number must fit an event's port");
        return new PortState { PeerLp = peerLp, PeerPort = (ushort)peerPort, Flags = _queue?.Marker is null ? PortFlags.None : PortFlags.Judged };
    }

    /// <summary>Where the port's per-frame state lives; read here only off the frame's path (reports, snapshots, captures).</summary>
    private protected abstract ref PortState State { get; }

    /// <summary>The LP the port belongs to. Like <see cref="Profile"/>, asked for here only by a frame that waits, is judged or captured:
    /// a switch's port finds both in its table, not in 16 B of its own object (docs/benchmarks.md, "Issue 14, ninth round").</summary>
    private protected abstract LogicalProcess Owner { get; }

    private protected abstract PortProfile Profile { get; }

    public int Index { get; }
    public int PeerLp => State.PeerLp;
    public int PeerPort => State.PeerPort;
    public DataRate Rate => Profile.Rate;
    public long DelayPs => Profile.DelayPs;
    public QueueLimit Limit => Profile.Limit;
    public int QueuedPackets => _queue?.Count ?? 0;

    /// <summary>The link's counters as they stand (a copy: the port keeps its own), queue integrals up to the last change of the queue.</summary>
    public LinkStats Stats
    {
        get
        {
            var q = _queue;
            ref readonly var s = ref State;
            return new LinkStats
            {
                From = Owner.Name, To = PeerName, FromLp = Owner.Id, FromPort = Index, RateBps = Rate.BitsPerSecond, DelayPs = DelayPs,
                TxPackets = s.TxPackets, TxWireBytes = s.TxWireBytes, BusyPs = s.BusyPs, WaitCount = s.TxPackets,
                DroppedPackets = q?.DroppedPackets ?? 0, DroppedBytes = q?.DroppedBytes ?? 0, EarlyDroppedPackets = q?.EarlyDroppedPackets ?? 0,
                EcnMarkedPackets = q?.EcnMarkedPackets ?? 0, QueuePacketPs = q?.QueuePacketPs ?? 0, QueueBytePs = q?.QueueBytePs ?? 0,
                QueueMaxPackets = q?.QueueMaxPackets ?? 0, QueueMaxBytes = q?.QueueMaxBytes ?? 0, WaitSumPs = q?.WaitSumPs ?? 0,
            };
        }
    }

    /// <summary>The port's name in the results (links.csv, drops, capture points): FROM-&gt;TO.</summary>
    public string Point => $"{Owner.Name}{CapturePoints.Arrow}{PeerName}";

    private string PeerName => Profile.PeerNames[PeerLp];

    private PortQueue Queue => _queue ??= new PortQueue(null, null);

    /// <summary>From now on, records the frames the port transmits, up to <paramref name="limit"/> of them (the rest are only counted).</summary>
    public void StartCapture(int limit)
    {
        Queue.Capture = new PortCapture(limit);
        State.Flags |= PortFlags.Captured;
    }

    /// <summary>Smallest time from the start of a transmission to its arrival: the link's lookahead.</summary>
    public static long MinimumLatency(DataRate rate, long delayPs) => rate.TransmitTime(Ethernet.MinWireBytes) + delayPs;

    /// <summary>
    /// A frame arrives at a port that is idle and neither judges nor captures (nearly every frame on a lightly loaded fabric): it is
    /// transmitted at once, and this is all the port's owner runs for it. False, and nothing done, for any other port.
    /// </summary>
    /// <remarks>Inlined where a frame is forwarded; the rest is a call away (docs/benchmarks.md, "Issue 14, eighth round").</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TransmitIfIdle(ref PortState s, LogicalProcess owner, PortProfile profile, int index, in Packet packet)
    {
        if (s.Flags != PortFlags.None) return false;
        Transmit(ref s, owner, profile, index, in packet, owner.Now, Ethernet.FrameBytes(in packet));
        return true;
    }

    /// <summary>The frame in service has left the port: true if another waits (then <see cref="StartNext"/>).</summary>
    /// <remarks>Inlined where the timer is handled: on a lightly loaded fabric the queue is nearly always empty by then.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TransmitDone(ref PortState s)
    {
        s.Flags &= ~PortFlags.Busy;
        return (s.Flags & PortFlags.Queued) != 0;
    }

    /// <summary>Queues a packet that <see cref="TransmitIfIdle"/> did not take, or drops it: tail drop when the queue is full, or RED's early drop.</summary>
    internal void Enqueue(ref PortState s, in Packet packet)
    {
        if ((s.Flags & PortFlags.Judged) != 0)
        {
            EnqueueJudged(ref s, packet);
            return;
        }
        var frame = Ethernet.FrameBytes(in packet);
        if ((s.Flags & PortFlags.Busy) == 0)
        {
            StartTransmission(ref s, in packet, Owner.Now, frame);
            return;
        }
        if (!Limit.Admits(QueuedPackets, _queue?.QueuedBytes ?? 0, frame))
        {
            CountDrop(in packet);
            return;
        }
        Store(ref s, in packet, frame);
    }

    /// <summary>Enqueue with ECN marking; <paramref name="packet"/> is this port's own copy, so a mark can change it.</summary>
    private void EnqueueJudged(ref PortState s, Packet packet)
    {
        var now = Owner.Now;
        var q = _queue!;
        // With nothing waiting, the last change of the queue (Account) was the departure that emptied it: RED's idle start.
        var verdict = q.Marker!.OnArrival(q.Count, q.QueuedBytes, q.LastChange, now, EcnCodepoint.IsCapable(packet.Headers.Ecn));
        if (verdict == EcnVerdict.Drop)
        {
            q.EarlyDroppedPackets++;
            CountDrop(in packet);
            return;
        }
        var frame = Ethernet.FrameBytes(in packet);
        var busy = (s.Flags & PortFlags.Busy) != 0;
        if (busy && !Limit.Admits(q.Count, q.QueuedBytes, frame))
        {
            CountDrop(in packet);
            return;
        }
        if (verdict == EcnVerdict.Mark && packet.Headers.Ecn != EcnCodepoint.Ce)
        {
            packet.Headers.Ecn = EcnCodepoint.Ce;
            q.EcnMarkedPackets++;
        }
        if (busy) Store(ref s, in packet, frame);
        else StartTransmission(ref s, in packet, now, frame);
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

    private void Store(ref PortState s, in Packet packet, int frame)
    {
        var q = Queue;
        var now = Owner.Now;
        Account(q, now);
        if (q.Count == q.Ring.Length) q.Grow(q.Count);
        var tail = (q.Head + q.Count) % q.Ring.Length;
        q.Ring[tail] = packet;
        q.EnqueuedAt[tail] = now;
        q.Count++;
        s.Flags |= PortFlags.Queued;
        q.QueuedBytes += frame;
        if (q.Count > q.QueueMaxPackets) q.QueueMaxPackets = q.Count;
        if (q.QueuedBytes > q.QueueMaxBytes) q.QueueMaxBytes = q.QueuedBytes;
    }

    /// <summary>Starts the transmission of the packet at the head of the queue (after <see cref="TransmitDone"/> said one waits).</summary>
    internal void StartNext(ref PortState s)
    {
        var q = _queue!;
        Account(q, Owner.Now);
        var packet = q.Ring[q.Head];
        var enqueuedAt = q.EnqueuedAt[q.Head];
        q.Head = (q.Head + 1) % q.Ring.Length;
        if (--q.Count == 0) s.Flags &= ~PortFlags.Queued;
        var frame = Ethernet.FrameBytes(in packet);
        q.QueuedBytes -= frame;
        StartTransmission(ref s, in packet, enqueuedAt, frame);
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
        for (var i = 0; i < q.Count; i++)
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
        if (q is not null && now - q.LastChange is var dt and > 0 && q.Count > 0)
        {
            stats.QueuePacketPs += (Int128)q.Count * dt;
            stats.QueueBytePs += (Int128)q.QueuedBytes * dt;
        }
        results.AddLink(stats);
        if (q?.Trace is not null) results.SeriesOf($"queue/{Point}").AddRange(q.Trace.Points);
    }

    /// <summary>A transmission through the queue's side: the wait of a packet that was stored, the capture, then the frame itself.</summary>
    /// <param name="frameBytes">The packet's frame size, which the caller has already worked out.</param>
    private void StartTransmission(ref PortState s, in Packet packet, long enqueuedAt, int frameBytes)
    {
        var owner = Owner;
        var now = owner.Now;
        // A packet that did not wait adds nothing (and then the port may have no queue); one that waited was stored in the queue.
        if (now != enqueuedAt) _queue!.WaitSumPs += now - enqueuedAt;
        _queue?.Capture?.Add(now, in packet);
        Transmit(ref s, owner, Profile, Index, in packet, now, frameBytes);
    }

    /// <summary>The port starts sending a frame: it is busy until the frame has left, which reaches the peer one delay later.</summary>
    private static void Transmit(ref PortState s, LogicalProcess owner, PortProfile profile, int index, in Packet packet, long now, int frameBytes)
    {
        var wireBytes = frameBytes + Ethernet.PreambleAndGapBytes;
        var txTime = profile.Rate.TransmitTime(wireBytes);
        s.Flags |= PortFlags.Busy;
        s.TxPackets++;
        s.TxWireBytes += wireBytes;
        s.BusyPs += txTime;
        owner.Transmit(now + txTime, profile.OwnerComponent, profile.TransmitDoneTimer, index, s.PeerLp, now + txTime + profile.DelayPs,
            profile.PeerComponent, s.PeerPort, in packet);
    }

    private void Account(PortQueue q, long now)
    {
        q.Trace?.Until(now, q.Count);
        var dt = now - q.LastChange;
        if (dt > 0 && q.Count > 0)
        {
            q.QueuePacketPs += (Int128)q.Count * dt;
            q.QueueBytePs += (Int128)q.QueuedBytes * dt;
        }
        q.LastChange = now;
    }
}
