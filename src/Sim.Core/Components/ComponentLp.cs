using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Components;

/// <summary>
/// An LP made of components wired port to port (a server: NIC, switch, host stack, VMs ...). It dispatches
/// each event to the component it addresses, and carries packets between wired ports.
/// </summary>
/// <remarks>
/// Wiring is symmetric: connecting (a, 1) to (b, 0) lets a emit through its port 1 to b's port 0 and b emit
/// through its port 0 to a's port 1. A component's ports are looked up in a flat array the component holds, so a
/// hop costs an array read and a virtual call, or one heap event when the hop has a latency. Components
/// are added in a fixed order by the LP's builder, so indices (and with them event order keys) are the same
/// in every process.
/// </remarks>
public class ComponentLp(int id, string name) : LogicalProcess(id, name)
{
    // The components are the LP's parts (LogicalProcess.Part0, Part1, MoreParts): an event reaches its component from the LP's own object.
    private int Count => Part0 is null ? 0 : Part1 is null ? 1 : 2 + MoreParts.Length;

    /// <summary>The components, by index.</summary>
    public IReadOnlyList<Component> Components => new PartList(this);

    /// <summary>Adds a component; its index is its position.</summary>
    public T Add<T>(T component) where T : Component
    {
        var index = Count;
        component.Attach(this, checked((ushort)index));
        if (index >= 2) Array.Resize(ref MoreParts, index - 1);
        Replace(index, component);
        component.ClearWires();
        return component;
    }

    /// <summary>Wires port <paramref name="portA"/> of <paramref name="a"/> to port <paramref name="portB"/> of <paramref name="b"/>.</summary>
    public void Connect(Component a, int portA, Component b, int portB)
    {
        Wire(a, portA, b, portB);
        Wire(b, portB, a, portA);
    }

    /// <summary>The wired ports of <paramref name="component"/>, with what each leads to.</summary>
    public IEnumerable<(int Port, Component Peer, int PeerPort)> WiresOf(Component component)
    {
        for (int port = component.FirstWire, end = port + component.WireSpan; port < end; port++)
            if (component.PeerAt(port, out var peerPort) is { } peer) yield return (port, peer, peerPort);
    }

    /// <summary>The component and port wired to <paramref name="port"/> of <paramref name="from"/>.</summary>
    public (Component Peer, int Port) PeerOf(Component from, int port)
    {
        if (from.PeerAt(port, out var peerPort) is { } peer) return (peer, peerPort);
        throw new InvalidOperationException($"{from.Path} has nothing wired to its port {port}");
    }

    public override void Start()
    {
        foreach (var c in Parts()) c.Start();
    }

    public override void Handle(ref SimEvent e)
    {
        var component = PartAt(e.Component)!;
        if (e.Kind == EventKind.Packet) component.Receive(e.Port, in e.Packet);
        else if (e.Kind == EventKind.Timer) component.OnTimer(e.Port, e.Token, in e.Packet);
        else component.OnControl(e.Port, in e.Packet);
    }

    /// <summary>
    /// Takes <paramref name="group"/> (a VM: its guest kernel, containers and their wiring) out of this LP with its pending events. Their
    /// places stay taken by empty stand-ins, so the other components keep their indices; wires between a member and a component outside
    /// the group must have been undone (<see cref="Disconnect"/>) first.
    /// </summary>
    public DetachedComponents Detach(IReadOnlyList<Component> group)
    {
        var position = new Dictionary<Component, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < group.Count; i++) position[group[i]] = i;
        var wires = new List<(int A, int PortA, int B, int PortB)>();
        for (var i = 0; i < group.Count; i++)
        {
            foreach (var (port, peer, peerPort) in WiresOf(group[i]))
            {
                if (!position.TryGetValue(peer, out var j))
                    throw new InvalidOperationException($"{group[i].Path} port {port} is still wired to {peer.Path}, outside the group being detached");
                // Each wire once: from its lower end.
                if (i < j || (i == j && port < peerPort)) wires.Add((i, port, j, peerPort));
            }
        }
        var events = TakeEventsOf(group);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            e.Component = checked((ushort)position[PartAt(e.Component)!]);
            events[i] = e;
        }
        foreach (var c in group)
        {
            var index = c.Index;
            c.ClearWires();
            var vacant = new VacantComponent(c.Path);
            vacant.Attach(this, index);
            Replace(index, vacant);
        }
        return new DetachedComponents([.. group], wires, events, Now);
    }

    /// <summary>Takes every pending event of <paramref name="components"/> out of the queue (time order): they will not happen here.</summary>
    public List<SimEvent> TakeEventsOf(IReadOnlyList<Component> components)
    {
        var indices = components.Select(c => (int)c.Index).ToHashSet();
        foreach (var c in components)
            if (!ReferenceEquals(PartAt(c.Index), c)) throw new InvalidOperationException($"{c.Path} is not part of LP {Name}");
        return TakePendingEvents(e => indices.Contains(e.Component));
    }

    /// <summary>
    /// Adds the components of <paramref name="moved"/> to this LP, rewired as they were, with their pending events shifted by the time
    /// the group was frozen (from its detach to <paramref name="resumeAt"/>): its clock stood still, so its events keep their order and
    /// their spacing.
    /// </summary>
    public void Adopt(DetachedComponents moved, long resumeAt)
    {
        foreach (var c in moved.Components) Add(c);
        foreach (var (a, portA, b, portB) in moved.Wires) Connect(moved.Components[a], portA, moved.Components[b], portB);
        foreach (var e in moved.Events)
        {
            var copy = e;
            copy.Component = moved.Components[e.Component].Index;
            copy.Time = e.Time + (resumeAt - moved.DetachedAt);
            Reinsert(copy);
        }
    }

    /// <summary>Undoes the wire on port <paramref name="port"/> of <paramref name="component"/> (both directions).</summary>
    public void Disconnect(Component component, int port)
    {
        var (peer, peerPort) = PeerOf(component, port);
        component.SetWire(port, null, 0);
        peer.SetWire(peerPort, null, 0);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var c in Parts()) c.Report(results, endTime);
        results.EventsByLp[Name] = EventsProcessed;
    }

    public override void Snapshot(ResultsBuilder results)
    {
        foreach (var c in Parts())
        {
            c.WriteCounters(results.Counters(c.Path, c.Kind), Now);
            c.SnapshotSeries(results);
        }
    }

    public override void List(ResultsBuilder results, ListingQuery query, long atPs)
    {
        foreach (var c in Parts())
            if (query.Covers(c.Path)) c.WriteListings(new ComponentListings(results, c.Path, query.Limit, atPs));
    }

    // A hop inside a server, for every packet a host sends or receives: the wire is read in place, not through PeerOf's tuple.
    internal void Forward(Component from, int port, in Packet packet)
    {
        if (from.PeerAt(port, out var peerPort) is { } peer) peer.Receive(peerPort, in packet);
        else PeerOf(from, port); // throws: nothing is wired there
    }

    internal void ForwardAt(Component from, int port, long time, in Packet packet)
    {
        var (peer, peerPort) = PeerOf(from, port);
        SchedulePacket(from.Events, time, peer.Index, checked((ushort)peerPort), in packet);
    }

    // Those there when asked, as an array's enumeration gave: a component added meanwhile (a VM arriving while they start) is not among them.
    private IEnumerable<Component> Parts()
    {
        for (int i = 0, count = Count; i < count; i++) yield return PartAt(i)!;
    }

    // A view, not a copy: a directive asks every server of a partition for its components until one takes it.
    private sealed class PartList(ComponentLp lp) : IReadOnlyList<Component>
    {
        public int Count => lp.Count;

        public Component this[int index] => (uint)index < (uint)lp.Count ? lp.PartAt(index)! : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<Component> GetEnumerator() => lp.Parts().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private void Replace(int index, Component component)
    {
        if (index == 0) Part0 = component;
        else if (index == 1) Part1 = component;
        else MoreParts[index - 2] = component;
    }

    private static void Wire(Component from, int port, Component to, int toPort)
    {
        if (from.PeerAt(port, out _) is not null) throw new InvalidOperationException($"{from.Path} port {port} is already wired");
        from.SetWire(port, to, toPort);
    }
}
