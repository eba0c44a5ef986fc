using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A leaf (ToR) or spine switch: one LP with an output port per link, forwarding each arriving frame
/// towards the server that hosts its destination endpoint, as the <see cref="LocationTable"/> says (store
/// and forward, no switching delay beyond the links themselves). A frame whose destination lies behind the port it
/// arrived on is dropped, as an L2 switch filters it: a copy that a server's bridge flooded to its uplink for an
/// endpoint of the same server (counted at "NAME:filtered").
/// </summary>
public sealed class FabricSwitch : LogicalProcess
{
    /// <summary>The switch's only timer: a port finished sending a frame (token: the port).</summary>
    public const ushort TransmitDoneTimer = 0;

    private readonly LocationTable _locations;
    private readonly Func<uint, int, int> _route;
    private readonly DropLedger _filtered;

    /// <param name="route">Chooses the output port for (flow hash, destination server).</param>
    public FabricSwitch(int id, string name, LocationTable locations, Func<uint, int, int> route) : base(id, name)
    {
        _locations = locations;
        _route = route;
        _filtered = new DropLedger($"{name}:filtered");
    }

    public List<OutputPort> Ports { get; } = [];

    public override void Handle(ref SimEvent e)
    {
        if (e.Kind == EventKind.Packet)
        {
            var port = _route(e.Packet.FlowHash, _locations.ServerOf(e.Packet.DestinationEndpoint));
            if (port == e.Port) _filtered.Drop(e.Packet.FlowId, e.Packet.PayloadBytes);
            else Ports[port].Enqueue(in e.Packet);
        }
        else
            Ports[e.Token].OnTransmitDone();
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var port in Ports) port.Report(results, endTime);
        _filtered.Report(results);
        results.EventsByLp[Name] = EventsProcessed;
    }
}
