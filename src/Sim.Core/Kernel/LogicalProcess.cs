using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// A logical process: one physical server (with everything inside it) or one fabric switch, with all its state.
/// </summary>
/// <remarks>
/// An LP is the unit of placement and of ordering. Its events are handled strictly in
/// (time, source, source sequence) order; it changes its own state only, and affects other LPs
/// only by sending them packets at least one lookahead in the future (a frame's serialization plus
/// propagation). Every sequence number it hands out comes from its own counter, so the events it
/// creates, and their order keys, are the same on any partitioning of the model. An LP is driven by the
/// <see cref="Partition"/> that hosts it: the partition's actor is the Akka.NET actor that owns it (see
/// docs/kernel.md for why LPs are not one actor each, and docs/architecture.md for the components inside).
/// </remarks>
public abstract class LogicalProcess(int id, string name) : EventSource(id)
{
    private Partition? _partition;
    // Null, the one port (a host has one, and an array of one was 32 B of an idle host), or an array of exactly the ports (a switch's).
    private object? _outputPorts;

    /// <summary>The order source of events the LP itself creates (its components' unless they belong to an entity of their own): the LP.</summary>
    public EventSource Events => this;
    public string Name { get; } = name;

    /// <summary>Events this LP has handled.</summary>
    public long EventsProcessed { get; internal set; }

    /// <summary>Time of the last event handled: the LP's local clock.</summary>
    public long Now { get; internal set; }

    // Read for every event an LP creates: the throw lives in a helper, so that the getter inlines into the hot paths.
    internal Partition Partition
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _partition ?? NotAttached();
    }

    [DoesNotReturn]
    private Partition NotAttached() => throw new InvalidOperationException($"LP {Name} is not attached to a partition");

    internal void Attach(Partition partition) => _partition = partition;

    /// <summary>The ports that drive this LP's links, in the order they were made: where captures attach.</summary>
    public IReadOnlyList<LinkPort> OutputPorts => _outputPorts switch
    {
        null => [],
        LinkPort one => [one],
        var ports => (LinkPort[])ports,
    };

    /// <summary>Called by <see cref="LinkPort"/>'s constructor (a server's <see cref="OutputPort"/>, a switch's <see cref="SwitchPort"/>).</summary>
    internal void AddOutputPort(LinkPort port)
    {
        LinkPort[] ports = [.. OutputPorts, port];
        _outputPorts = ports.Length == 1 ? port : ports;
    }

    /// <summary>Called once before the first window: schedule the initial events.</summary>
    public virtual void Start() { }

    public abstract void Handle(ref SimEvent e);

    /// <summary>
    /// What an event's <see cref="SimEvent.Component"/> selects: a <see cref="ComponentLp"/>'s components, the first two in the LP's own
    /// object (a server's NIC and stack, which take nearly all its events), the others in an array; none for other LPs. The event loop
    /// fetches the LP's object two events ahead, so neither <see cref="Prepare"/> nor the dispatch waits for an array of them (a cache
    /// line more per event on a large fabric, and 40 B of an idle host). Fields, not a virtual call: the loop reads them for every
    /// event, and a call whose target alternates between a switch and a server is a branch the CPU mispredicts.
    /// </summary>
    private protected Component? Part0, Part1;
    private protected Component[] MoreParts = [];

    /// <summary>The component numbered <paramref name="index"/>, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected Component? PartAt(int index) =>
        index == 0 ? Part0 : index == 1 ? Part1 : (uint)(index - 2) < (uint)MoreParts.Length ? MoreParts[index - 2] : null;

    /// <summary>Lines fetched of a component about to handle an event: a server's stack spans three from its header (184 B with it), the NIC two.</summary>
    private const int ComponentLines = 3;

    /// <summary>
    /// What the LP's next event most likely reads beyond its components' objects, as its components foresee it (<see cref="ForeseePacket"/>,
    /// <see cref="ForeseeTimer"/>): for a packet (a server: the flow its stack last delivered, and the flow's latency histogram made after
    /// it), and for a timer of its first or second component (a server: the NIC's uplink port, the stack's generator). Kept in the LP's
    /// object, next to the components it reads anyway, so that <see cref="Prepare"/> starts fetching that state one event ahead instead of
    /// the handler missing on it at the end of a chain of loads (docs/benchmarks.md, issue 14 ninth round: with the generators' direct
    /// calls, +7 % warm events per CPU second at 10,240 hosts, median of 22 interleaved pairs; 24 B of an idle host).
    /// </summary>
    private object? _packetHint, _timerHint0, _timerHint1;

    /// <summary>Lines fetched of a foreseen timer's object: a generator with its cursor.</summary>
    private const int HintLines = 4;

    /// <summary>
    /// Lines fetched of a foreseen flow: its counters (three), its latency histogram and that histogram's first buckets, made after it
    /// (docs/benchmarks.md, issue 14 tenth round: the histogram's share of a 10,240-host loop fell from 5.4 to 2.7 % of the samples).
    /// </summary>
    private const int PacketHintLines = 5;

    /// <summary>Sets what the next packet to this LP will most likely read; null for nothing. A hint only: it changes no result.</summary>
    internal void ForeseePacket(object? state) => _packetHint = state;

    /// <summary>Sets what the next timer of component <paramref name="component"/> will most likely read (the first two components only).</summary>
    internal void ForeseeTimer(int component, object? state)
    {
        if (component == 0) _timerHint0 = state;
        else if (component == 1) _timerHint1 = state;
    }

    /// <summary>
    /// Starts fetching what <see cref="Handle"/> will read first for <paramref name="next"/>, the event this LP gets next: the LP's
    /// own object, its components' whole objects, not the target's first line alone (docs/benchmarks.md, issue 14 eighth round: with the
    /// stack's and the NIC's own prefetches, +8 % events per CPU second at 10,240 hosts, medians of interleaved runs), and what they
    /// foresee for the event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Prepare(ref SimEvent next)
    {
        // The loop fetched the LP's first line two events ago; its clock and counter, written before the event runs, are on the second.
        Prefetch.Lines(this, 2);
        if (PartAt(next.Component) is not { } target) return;
        Prefetch.Lines(target, ComponentLines);
        // A server's NIC and stack hand a packet to each other within one event (a frame received, a packet sent): both.
        if (Part1 is { } second) Prefetch.Lines(ReferenceEquals(target, second) ? Part0 : second, ComponentLines);
        if (next.Kind == EventKind.Packet) Prefetch.Lines(_packetHint, PacketHintLines);
        else Prefetch.Lines(next.Component == 0 ? _timerHint0 : next.Component == 1 ? _timerHint1 : null, HintLines);
    }

    /// <summary>Adds this LP's counters (flows, links, drops, packets still held at <paramref name="endTime"/>) to the results.</summary>
    public abstract void Report(ResultsBuilder results, long endTime);

    /// <summary>
    /// Adds the LP's component counters as they stand now, for queries while a run is going on. Called by the
    /// owning actor between windows only.
    /// </summary>
    public virtual void Snapshot(ResultsBuilder results) { }

    /// <summary>
    /// Adds the listings of the LP's components that <paramref name="query"/> covers, as they stand at <paramref name="atPs"/>. Called
    /// by the owning actor between windows only, when a query asks for them.
    /// </summary>
    public virtual void List(ResultsBuilder results, ListingQuery query, long atPs) { }

    /// <summary>
    /// Applies <paramref name="directive"/> if it is this LP's (it names something the LP hosts), or returns null. Called by the partition
    /// at a held barrier, with <see cref="Now"/> at the directive's time: the events it schedules are this LP's own, at or after that
    /// time, with order keys from the LP's <see cref="EventSource"/>s, so they are the same on any partitioning. It sends nothing to
    /// other LPs directly (events it schedules do, when they run).
    /// </summary>
    public virtual DirectiveResult? Apply(Directive directive) => null;

    /// <summary>Sets timer <paramref name="timer"/> of one of this LP's components. Never in the past.</summary>
    public void ScheduleTimer(long time, ushort component, ushort timer, int token = 0) => NewTimer(Events, time, component, timer, token);

    /// <summary>Sets a timer that holds a packet no longer in transit (a request waiting for its service time).</summary>
    public void ScheduleTimer(long time, ushort component, ushort timer, int token, in Packet carried) =>
        NewTimer(Events, time, component, timer, token).Packet = carried;

    /// <summary>Sets a timer created by <paramref name="source"/> (an entity inside this LP).</summary>
    public void ScheduleTimer(EventSource source, long time, ushort component, ushort timer, int token) => NewTimer(source, time, component, timer, token);

    /// <summary>Sets a timer created by <paramref name="source"/> that holds a packet no longer in transit.</summary>
    public void ScheduleTimer(EventSource source, long time, ushort component, ushort timer, int token, in Packet carried) =>
        NewTimer(source, time, component, timer, token).Packet = carried;

    /// <summary>A packet reaches one of this LP's own components at <paramref name="time"/> (an internal hop with a latency).</summary>
    public void SchedulePacket(long time, ushort component, ushort port, in Packet packet) => SchedulePacket(Events, time, component, port, in packet);

    /// <summary>As <see cref="SchedulePacket(long, ushort, ushort, in Packet)"/>, for an event created by <paramref name="source"/>.</summary>
    public void SchedulePacket(EventSource source, long time, ushort component, ushort port, in Packet packet)
    {
        CheckNotPast(time);
        PacketEvent(ref Partition.EnqueueLocal(Id, time, source.NextOrder()), Id, component, port, in packet);
    }

    /// <summary>Sends a packet to a component of another LP (possibly in another partition or process).</summary>
    public void SendPacket(int targetLp, long time, ushort component, ushort port, in Packet packet)
    {
        PacketEvent(ref Partition.NewEvent(targetLp, time, Events.NextOrder()), targetLp, component, port, in packet);
    }

    /// <summary>
    /// A port of this LP starts sending a frame: its timer <paramref name="timer"/> of <paramref name="component"/> goes off when the
    /// frame has left (<paramref name="doneAt"/>), and <paramref name="packet"/> reaches the peer at <paramref name="arriveAt"/>. The
    /// same two events, in the same order, as <see cref="ScheduleTimer(long, ushort, ushort, int)"/> then <see cref="SendPacket"/>, with
    /// one look-up of the partition and the clock: every frame on every link makes them.
    /// </summary>
    internal void Transmit(long doneAt, ushort component, ushort timer, int token, int targetLp, long arriveAt, ushort peerComponent, ushort peerPort,
        in Packet packet)
    {
        var partition = Partition;
        var events = Events;
        NewTimer(partition, events, doneAt, component, timer, token);
        PacketEvent(ref partition.NewEvent(targetLp, arriveAt, events.NextOrder()), targetLp, peerComponent, peerPort, in packet);
    }

    /// <summary>
    /// Sends a control message (<see cref="EventKind.Control"/>) with code <paramref name="code"/> to component <paramref name="component"/> of
    /// LP <paramref name="targetLp"/> (this LP included), arriving at <paramref name="time"/>: for another partition, at least a lookahead ahead.
    /// </summary>
    public void SendControl(int targetLp, long time, ushort component, ushort code, in Packet details)
    {
        CheckNotPast(time);
        ref var e = ref Partition.NewEvent(targetLp, time, Events.NextOrder());
        e.Lp = targetLp;
        e.Kind = EventKind.Control;
        e.Component = component;
        e.Port = code;
        e.Token = 0;
        e.Packet = details;
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> to LP <paramref name="targetLp"/> under <paramref name="key"/> (unique per target LP while the
    /// parcel waits there). A local LP has it at once; an LP in another partition has it from the start of the next window, that is
    /// before any event this LP sends it at or after the lookahead. So: send the parcel, then an event (<see cref="SendControl"/>) at
    /// least a lookahead ahead that takes it (<see cref="TakeParcel"/>). The array is the parcel's from then on: do not change it.
    /// </summary>
    public void SendParcel(int targetLp, long key, byte[] bytes) => Partition.SendParcel(targetLp, key, bytes);

    /// <summary>The parcel sent to this LP under <paramref name="key"/>, removed; null if none is here.</summary>
    public byte[]? TakeParcel(long key) => Partition.TakeParcel(Id, key);

    /// <summary>
    /// Takes out of the partition's queue every pending event of this LP that <paramref name="match"/> selects (a VM leaving the LP
    /// takes its events with it), in (time, order) order.
    /// </summary>
    protected List<SimEvent> TakePendingEvents(Func<SimEvent, bool> match) => Partition.TakeEvents(e => e.Lp == Id && match(e));

    /// <summary>Puts an event taken from another LP (a VM arriving) into this LP's queue, addressed to this LP, unchanged otherwise.</summary>
    protected void Reinsert(SimEvent e)
    {
        CheckNotPast(e.Time);
        e.Lp = Id;
        Partition.EnqueueLocal(Id, e.Time, e.Order) = e;
    }

    private static void PacketEvent(ref SimEvent e, int lp, ushort component, ushort port, in Packet packet)
    {
        e.Lp = lp;
        e.Kind = EventKind.Packet;
        e.Component = component;
        e.Port = port;
        e.Token = 0;
        e.Packet = packet;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SimEvent NewTimer(EventSource source, long time, ushort component, ushort timer, int token) =>
        ref NewTimer(Partition, source, time, component, timer, token);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SimEvent NewTimer(Partition partition, EventSource source, long time, ushort component, ushort timer, int token)
    {
        CheckNotPast(time);
        ref var e = ref partition.EnqueueLocal(Id, time, source.NextOrder());
        e.Lp = Id;
        e.Kind = EventKind.Timer;
        e.Component = component;
        e.Port = timer;
        e.Token = token;
        e.Packet = default;
        return ref e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckNotPast(long time)
    {
        if (time < Now) InThePast(time);
    }

    [DoesNotReturn]
    private void InThePast(long time) => throw new InvalidOperationException($"LP {Name} scheduled an event at {time} ps, before its clock {Now} ps");
}
