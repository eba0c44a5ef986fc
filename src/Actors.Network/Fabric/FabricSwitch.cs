using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A leaf (ToR) or spine switch: one LP with an output port per link, forwarding each arriving frame
/// towards the server that hosts its destination endpoint, as the <see cref="LocationTable"/> says at the start (store
/// and forward, no switching delay beyond the links themselves). A frame whose destination lies behind the port it
/// arrived on is dropped, as an L2 switch filters it: a copy that a server's bridge flooded to its uplink for an
/// endpoint of the same server (counted at "NAME:filtered"). A migrated VM's announcement (its gratuitous RARP, a control message
/// that reaches each switch when the broadcast would) teaches the switch its new server; each switch keeps what it learned, so the
/// moment it acts on it does not depend on which other switches share its partition.
/// </summary>
public sealed class FabricSwitch : LogicalProcess
{
    /// <summary>The switch's only timer: a port finished sending a frame (token: the port).</summary>
    public const ushort TransmitDoneTimer = 0;

    private readonly SwitchForwarding _forwarding;
    private readonly DropLedger _filtered;
    /// <summary>Endpoints this switch learned have moved since the start (a migrated VM's announcement), or null: most runs have none.</summary>
    private Dictionary<int, int>? _moved;

    /// <summary>The control message announcing that endpoint <c>SourceEndpoint</c> now lives on server <c>DestinationEndpoint</c>.</summary>
    public const ushort EndpointMoved = 1;

    /// <param name="forwarding">Chooses the output port for (flow hash, destination server).</param>
    public FabricSwitch(int id, string name, SwitchForwarding forwarding) : base(id, name)
    {
        _forwarding = forwarding;
        _filtered = new DropLedger($"{name}:filtered");
        _ports = new SwitchPorts(this);
    }

    private readonly SwitchPorts _ports;

    /// <summary>The switch's ports, by number.</summary>
    public IReadOnlyList<SwitchPort> Ports => _ports.All;

    /// <summary>Adds the next port (numbered the count of ports so far) towards <paramref name="peer"/> (its LP and port).</summary>
    /// <param name="profile">What the port shares with the other ports of its kind of link; its owner component and timer must be the switch's.</param>
    /// <param name="ecn">ECN marking of the queue; null for tail drop alone.</param>
    /// <param name="seed">The scenario seed, for the random stream of a RED queue.</param>
    public SwitchPort AddPort(PortProfile profile, (int Lp, int Port) peer, EcnMarking? ecn = null, ulong seed = 0, long traceIntervalPs = 0) =>
        _ports.Add(profile, peer, ecn, seed, traceIntervalPs);

    public override void Handle(ref SimEvent e)
    {
        if (e.Kind == EventKind.Packet)
        {
            var destination = e.Packet.DestinationEndpoint;
            var port = _moved is not null && _moved.TryGetValue(destination, out var server)
                ? _forwarding.ToServer(e.Packet.FlowHash, server)
                : _forwarding.ToEndpoint(e.Packet.FlowHash, destination);
            if (port == e.Port) _filtered.Drop(e.Packet.FlowId, e.Packet.PayloadBytes);
            else _ports.Enqueue(port, in e.Packet);
        }
        else if (e.Kind == EventKind.Timer)
            _ports.OnTransmitDone(e.Token);
        else if (e.Port == EndpointMoved)
            (_moved ??= [])[e.Packet.SourceEndpoint] = e.Packet.DestinationEndpoint;
        else
            throw new InvalidOperationException($"{Name} has no control message {e.Port}");
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var port in _ports.All) port.Report(results, endTime);
        _filtered.Report(results);
        results.EventsByLp[Name] = EventsProcessed;
    }
}
