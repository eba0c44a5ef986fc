using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Components;

/// <summary>
/// A part of a server LP — a NIC, a switch, a host stack, later a hypervisor, a VM, a vNIC or a VF — with its
/// own state, numbered ports wired to other components, and timers.
/// </summary>
/// <remarks>
/// Components are actors in the simulation's sense (isolated state, typed messages, a stable path that
/// queries and results use) without an Akka message per packet: their <see cref="ComponentLp"/> drives them
/// in virtual-time order. A component hands a packet on through one of its ports with <see cref="Emit"/>
/// (the peer sees it at once, for a hop that takes no time of its own) or <see cref="EmitAt"/> (a hop with a
/// latency, e.g. the time a vSwitch's core needs for the packet: the peer sees it then, through an event).
/// A component never reaches into another one: everything it learns arrives at a port or a timer.
/// </remarks>
public abstract class Component(ComponentPath path)
{
    private readonly ComponentPath _path = path;
    private ComponentLp? _lp;
    private EventSource? _events; // the entity's source, or the LP's: read per event, so resolved once

    // What the component's ports are wired to (its LP wires them): the first wired port's peer in place, the ports after it in an
    // array. A server's NIC and stack wire one port each, so a hop reads the component it leaves, whose state is in cache anyway, and
    // an idle host holds no wire arrays (two of 40 B; docs/benchmarks.md, seventh round).
    private Component? _firstPeer;
    private int _firstPeerPort;
    private (Component Peer, int Port)[] _moreWires = [];

    /// <summary>The lowest wired port: a NIC wires only its host port (its wire is an OutputPort), so a table from port 0 would hold an
    /// empty slot on every server. The field fits the padding after <see cref="Index"/>.</summary>
    internal ushort FirstWire { get; private set; }

    /// <summary>How many ports, from <see cref="FirstWire"/> on, the wire table covers (wired or undone since).</summary>
    internal int WireSpan => _firstPeer is null && _moreWires.Length == 0 ? 0 : 1 + _moreWires.Length;

    /// <summary>Stable path, e.g. "host12/vswitch": the name in results and queries (made when read for a path kept in two parts).</summary>
    public string Path => _path.ToString();

    /// <summary>What the component is ("nic", "vswitch", "host-stack", ...), for readers of its counters: its class's, not a field of
    /// every instance.</summary>
    public abstract string Kind { get; }

    /// <summary>Index within its LP, assigned when added; events are addressed by it.</summary>
    public ushort Index { get; private set; }

    // Read for every packet and timer: the throw lives in a helper, so that the getter inlines.
    protected ComponentLp Lp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _lp ?? throw Detached();
    }

    /// <summary>Virtual time now.</summary>
    protected long Now => Lp.Now;

    /// <summary>The order source of the events this component creates: its entity's, or else its LP's.</summary>
    public EventSource Events
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _events ?? throw Detached();
    }

    private InvalidOperationException Detached() => new($"component {Path} is not part of an LP");

    /// <summary>
    /// Makes the component part of an entity (a VM, a container) with its own event order, which it keeps
    /// wherever the entity runs (see <see cref="EventSource"/>). Set before the component is started.
    /// </summary>
    public void BelongTo(EventSource entity) => _events = entity;

    /// <summary>Whether the component's events take their order from <paramref name="source"/> (detached or not).</summary>
    public bool OrdersBy(EventSource source) => ReferenceEquals(_events, source);

    /// <summary>The LP the component is part of now (a VM's components change LP when it migrates).</summary>
    public ComponentLp Owner => Lp;

    internal void Attach(ComponentLp lp, ushort index)
    {
        _lp = lp;
        Index = index;
        _events ??= lp.Events;
    }

    /// <summary>What <paramref name="port"/> is wired to, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Component? PeerAt(int port, out int peerPort)
    {
        var i = port - FirstWire;
        if (i == 0)
        {
            peerPort = _firstPeerPort;
            return _firstPeer;
        }
        var more = _moreWires;
        if ((uint)(i - 1) < (uint)more.Length)
        {
            peerPort = more[i - 1].Port;
            return more[i - 1].Peer;
        }
        peerPort = 0;
        return null;
    }

    /// <summary>Wires <paramref name="port"/> to <paramref name="peerPort"/> of <paramref name="peer"/>, or undoes its wire (a null peer).</summary>
    internal void SetWire(int port, Component? peer, int peerPort)
    {
        if (WireSpan == 0) FirstWire = checked((ushort)port);
        else if (port < FirstWire)
        {
            // The table grows at its front: the slots it had move up by the ports it gains there.
            var gained = FirstWire - port;
            var grown = new (Component Peer, int Port)[_moreWires.Length + gained];
            grown[gained - 1] = (_firstPeer!, _firstPeerPort);
            _moreWires.CopyTo(grown, gained);
            (_moreWires, _firstPeer, _firstPeerPort, FirstWire) = (grown, null, 0, checked((ushort)port));
        }
        var i = port - FirstWire;
        if (i == 0) (_firstPeer, _firstPeerPort) = (peer, peerPort);
        else
        {
            if (i > _moreWires.Length) Array.Resize(ref _moreWires, i);
            _moreWires[i - 1] = (peer!, peerPort);
        }
    }

    /// <summary>Forgets every wire (the component joins an LP, or leaves one).</summary>
    internal void ClearWires() => (_firstPeer, _firstPeerPort, _moreWires, FirstWire) = (null, 0, [], 0);

    /// <summary>Schedules the component's first events, if any (called once, before the first window).</summary>
    public virtual void Start() { }

    /// <summary>A packet arrived at <paramref name="port"/>.</summary>
    public abstract void Receive(int port, in Packet packet);

    /// <summary>
    /// Timer <paramref name="timer"/> set with <see cref="SetTimer"/> fired; <paramref name="carried"/> is the packet
    /// the timer was set for (e.g. a request waiting for its service time), or a default packet.
    /// </summary>
    public virtual void OnTimer(int timer, int token, in Packet carried) =>
        throw new InvalidOperationException($"{Path} has no timer {timer}");

    /// <summary>A control message (<see cref="EventKind.Control"/>) with code <paramref name="code"/> arrived.</summary>
    public virtual void OnControl(int code, in Packet details) =>
        throw new InvalidOperationException($"{Path} has no control message {code}");

    /// <summary>Adds this component's end-of-run results (flows, links, drops, packets it still holds).</summary>
    public virtual void Report(ResultsBuilder results, long endTime) => WriteCounters(results.Counters(Path, Kind), endTime);

    /// <summary>Writes the component's named counters as they stand at <paramref name="now"/>.</summary>
    public virtual void WriteCounters(ComponentCounters counters, long now) { }

    /// <summary>
    /// Writes the tables the component keeps (a vSwitch: its rules and datapath flows) as lines, when a query asks for them. Must not
    /// change the component: a query never changes a result.
    /// </summary>
    public virtual void WriteListings(ComponentListings listings) { }

    /// <summary>
    /// Adds the series the component has sampled so far (between windows, for queries): copies of the points, so that a query changes
    /// no result. Its <see cref="Report"/> adds the whole series at the end.
    /// </summary>
    public virtual void SnapshotSeries(ResultsBuilder results) { }

    /// <summary>Hands a packet to whatever is wired to <paramref name="port"/>, now.</summary>
    protected void Emit(int port, in Packet packet) => Lp.Forward(this, port, in packet);

    /// <summary>
    /// Starts fetching what the component wired to <paramref name="port"/> will touch when this one emits a packet there (a stack
    /// about to send: its NIC's transmitter), so that the miss overlaps the work before the send.
    /// </summary>
    protected void PrepareEmit(int port)
    {
        if (PeerAt(port, out var peerPort) is { } peer) peer.PrepareReceive(peerPort);
    }

    /// <summary>Starts fetching what <see cref="Receive"/> on <paramref name="port"/> will touch beyond the component's own object.</summary>
    protected virtual void PrepareReceive(int port) { }

    /// <summary>
    /// Tells the LP what this component's next timer will most likely read beyond the component's own object (a NIC: its uplink port),
    /// so that the event loop fetches it one event ahead. Only an LP's first two components have timer hints; null clears.
    /// </summary>
    protected void ForeseeTimer(object? state) => Lp.ForeseeTimer(Index, state);

    /// <summary>As <see cref="ForeseeTimer"/>, for the next packet to reach the LP, whichever component it is for (a stack: the flow it
    /// last delivered, as the next packet in will most likely be on it).</summary>
    protected void ForeseePacket(object? state) => Lp.ForeseePacket(state);

    /// <summary>Hands a packet to whatever is wired to <paramref name="port"/>, at <paramref name="time"/>.</summary>
    protected void EmitAt(long time, int port, in Packet packet) => Lp.ForwardAt(this, port, time, in packet);

    /// <summary>
    /// Lets a packet reach this component's own port <paramref name="port"/> at <paramref name="time"/>: a delay inside the
    /// component (a DMA, a device latency) during which the packet is still in transit.
    /// </summary>
    protected void ReceiveAt(long time, int port, in Packet packet) => Lp.SchedulePacket(Events, time, Index, checked((ushort)port), in packet);

    /// <summary>Sets timer <paramref name="timer"/> (the component's own numbering) to fire at <paramref name="time"/>.</summary>
    protected void SetTimer(long time, int timer, int token = 0) => Lp.ScheduleTimer(Events, time, Index, checked((ushort)timer), token);

    /// <summary>
    /// Sets a timer that holds a packet no longer in transit (the kernel's census does not count it in flight),
    /// e.g. a request waiting for its service time; <see cref="OnTimer"/> gets it back.
    /// </summary>
    protected void SetTimer(long time, int timer, int token, in Packet carried) =>
        Lp.ScheduleTimer(Events, time, Index, checked((ushort)timer), token, in carried);
}
