using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// A leaf (ToR) or spine switch: one LP with an output port per link, forwarding each arriving
/// frame by destination host (store and forward, no switching delay beyond the links themselves).
/// </summary>
public sealed class FabricSwitch : LogicalProcess
{
    private readonly Func<FabricSwitch, uint, int, int> _route;

    /// <param name="route">Chooses the output port for (this switch, flow hash, destination host).</param>
    public FabricSwitch(int id, string name, Func<FabricSwitch, uint, int, int> route) : base(id, name) => _route = route;

    public List<OutputPort> Ports { get; } = [];

    public override void Handle(ref SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKinds.FrameArrival:
                Ports[_route(this, e.Packet.FlowHash, e.Packet.DestinationHost)].Enqueue(in e.Packet);
                break;
            case EventKinds.TransmitDone:
                Ports[e.Arg].OnTransmitDone();
                break;
            default:
                throw new InvalidOperationException($"{Name}: unexpected event kind {e.Kind}");
        }
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var port in Ports) port.Report(results, endTime);
        results.EventsByLp[Name] = EventsProcessed;
    }
}
