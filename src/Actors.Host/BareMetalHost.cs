using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNic;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost;

/// <summary>
/// A bare-metal server LP: its traffic generators, a request/response server and one NIC. Packets it
/// creates go straight to the NIC queue and packets that arrive are delivered at the arrival of their
/// last bit (no host stack cost yet: the CPU model comes with the vSwitch and VM work).
/// </summary>
public sealed class BareMetalHost : LogicalProcess, IGeneratorHost
{
    private const int GeneratorFire = EventKinds.FirstModelKind;
    private const int GeneratorToggle = EventKinds.FirstModelKind + 1;
    private const int ServiceDone = EventKinds.FirstModelKind + 2;

    private readonly List<TrafficGenerator> _generators = [];
    private readonly ResponseServer _server;
    private readonly Dictionary<long, FlowStats> _flows = new();
    private readonly SortedDictionary<int, LatencyHistogram> _requestCompletion = new();
    private PhysicalNic? _nic;

    public BareMetalHost(int id, string name, int hostIndex, ScenarioSettings scenario) : base(id, name)
    {
        HostIndex = hostIndex;
        _server = new ResponseServer(hostIndex, scenario.Generators, scenario.Seed);
        foreach (var g in scenario.Generators)
        {
            if (g.Hosts.Contains(hostIndex))
                _generators.Add(TrafficGenerator.Create(this, _generators.Count, g, scenario.Topology.HostCount, scenario.Seed));
        }
    }

    public int HostIndex { get; }

    public PhysicalNic Nic => _nic ?? throw new InvalidOperationException($"{Name} has no NIC attached");

    public void AttachNic(PhysicalNic nic) => _nic = nic;

    public override void Start()
    {
        foreach (var g in _generators) g.Start();
    }

    public override void Handle(ref SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKinds.FrameArrival: Receive(in e.Packet); break;
            case EventKinds.TransmitDone: Nic.OnTransmitDone(); break;
            case GeneratorFire: _generators[e.Arg].OnFire(e.Packet.Sequence); break;
            case GeneratorToggle: _generators[e.Arg].OnToggle(e.Packet.Sequence); break;
            case ServiceDone:
                foreach (var p in _server.Respond(in e.Packet, Now)) SendPacket(in p, GeneratorKind.RequestResponse);
                break;
            default: throw new InvalidOperationException($"{Name}: unexpected event kind {e.Kind}");
        }
    }

    public void SendPacket(in Packet packet, GeneratorKind kind)
    {
        var f = Flow(packet.FlowId);
        if (f.SentPackets == 0)
        {
            f.Source = packet.SourceHost;
            f.Destination = packet.DestinationHost;
            f.Generator = FlowIds.Generator(packet.FlowId);
            f.Kind = packet.Type == PacketType.Response ? "response" : KindName(kind);
            f.FirstSentAt = packet.CreatedAt;
        }
        f.SentPackets++;
        f.SentBytes += packet.PayloadBytes;
        Nic.Transmit(in packet);
    }

    public void ScheduleGenerator(long time, int localIndex, int epoch) =>
        ScheduleSelf(time, GeneratorFire, localIndex, new Packet { Sequence = epoch });

    public void ScheduleToggle(long time, int localIndex, int epoch) =>
        ScheduleSelf(time, GeneratorToggle, localIndex, new Packet { Sequence = epoch });

    public override void Report(ResultsBuilder results, long endTime)
    {
        foreach (var (_, f) in _flows.OrderBy(kv => kv.Key)) results.Flow(f.FlowId).Add(f);
        foreach (var (g, h) in _requestCompletion) results.RequestCompletionOf(g).Add(h);
        Nic.Uplink.Report(results, endTime);
        results.EventsByLp[Name] = EventsProcessed;
    }

    private void Receive(in Packet packet)
    {
        if (packet.DestinationHost != HostIndex)
            throw new InvalidOperationException($"{Name} received a packet for host {packet.DestinationHost}");
        var f = Flow(packet.FlowId);
        f.DeliveredPackets++;
        f.DeliveredBytes += packet.PayloadBytes;
        f.LastDeliveredAt = Now;
        f.LatencyOrCreate().Record(Now - packet.CreatedAt);
        switch (packet.Type)
        {
            case PacketType.Request:
                ScheduleSelf(Now + _server.ServiceTime(FlowIds.Generator(packet.FlowId)), ServiceDone, 0, in packet);
                break;
            case PacketType.Response when packet.LastOfMessage:
                var generator = FlowIds.Generator(packet.FlowId) - ResponseServer.ResponseGeneratorId(0);
                if (!_requestCompletion.TryGetValue(generator, out var h)) _requestCompletion[generator] = h = new LatencyHistogram(3);
                h.Record(Now - packet.RequestCreatedAt);
                break;
        }
    }

    private FlowStats Flow(long flowId)
    {
        if (!_flows.TryGetValue(flowId, out var f)) _flows[flowId] = f = new FlowStats(flowId);
        return f;
    }

    private static string KindName(GeneratorKind kind) => kind switch
    {
        GeneratorKind.Cbr => "cbr",
        GeneratorKind.Poisson => "poisson",
        GeneratorKind.OnOff => "on-off",
        _ => "request",
    };
}
