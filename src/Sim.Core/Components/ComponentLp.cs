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
/// through its port 0 to a's port 1. A component's ports are looked up in a flat array per component, so a
/// hop costs an array read and a virtual call, or one heap event when the hop has a latency. Components
/// are added in a fixed order by the LP's builder, so indices (and with them event order keys) are the same
/// in every process.
/// </remarks>
public class ComponentLp(int id, string name) : LogicalProcess(id, name)
{
    private readonly List<Component> _components = [];
    private (Component Peer, int Port)[][] _wires = [];

    public IReadOnlyList<Component> Components => _components;

    /// <summary>Adds a component; its index is its position.</summary>
    public T Add<T>(T component) where T : Component
    {
        component.Attach(this, checked((ushort)_components.Count));
        _components.Add(component);
        Array.Resize(ref _wires, _components.Count);
        _wires[^1] = [];
        return component;
    }

    /// <summary>Wires port <paramref name="portA"/> of <paramref name="a"/> to port <paramref name="portB"/> of <paramref name="b"/>.</summary>
    public void Connect(Component a, int portA, Component b, int portB)
    {
        Wire(a, portA, b, portB);
        Wire(b, portB, a, portA);
    }

    /// <summary>The component and port wired to <paramref name="port"/> of <paramref name="from"/>.</summary>
    public (Component Peer, int Port) PeerOf(Component from, int port)
    {
        var wires = _wires[from.Index];
        if (port < wires.Length && wires[port].Peer is { } peer) return (peer, wires[port].Port);
        throw new InvalidOperationException($"{from.Path} has nothing wired to its port {port}");
    }

    public override void Start()
    {
        foreach (var c in _components) c.Start();
    }

    public override void Handle(ref SimEvent e)
    {
        var component = _components[e.Component];
        if (e.Kind == EventKind.Packet) component.Receive(e.Port, in e.Packet);
        else component.OnTimer(e.Port, e.Token, in e.Packet);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var c in _components) c.Report(results, endTime);
        results.EventsByLp[Name] = EventsProcessed;
    }

    public override void Snapshot(ResultsBuilder results)
    {
        foreach (var c in _components) c.WriteCounters(results.Counters(c.Path, c.Kind), Now);
    }

    internal void Forward(Component from, int port, in Packet packet)
    {
        var (peer, peerPort) = PeerOf(from, port);
        peer.Receive(peerPort, in packet);
    }

    internal void ForwardAt(Component from, int port, long time, in Packet packet)
    {
        var (peer, peerPort) = PeerOf(from, port);
        SchedulePacket(from.Events, time, peer.Index, checked((ushort)peerPort), in packet);
    }

    private void Wire(Component from, int port, Component to, int toPort)
    {
        ref var wires = ref _wires[from.Index];
        if (port >= wires.Length) Array.Resize(ref wires, port + 1);
        if (wires[port].Peer is not null) throw new InvalidOperationException($"{from.Path} port {port} is already wired");
        wires[port] = (to, toPort);
    }
}
