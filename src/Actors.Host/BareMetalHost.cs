using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Ovs;
using DcSim.ActorsNic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost;

/// <summary>
/// A bare-metal server LP: its traffic generators, a request/response server, its CPU, one NIC and,
/// optionally, an Open vSwitch between the host's traffic (vSwitch port 2) and the NIC (port 1). Without
/// a vSwitch, packets go straight to the NIC queue and are delivered at the arrival of their last bit;
/// with one, each packet is processed by the vSwitch on the server's cores first and moves on when that
/// work is done, or is dropped there (no output, or a lost upcall).
/// </summary>
public sealed class BareMetalHost : LogicalProcess, IGeneratorHost
{
    private const int GeneratorFire = EventKinds.FirstModelKind;
    private const int GeneratorToggle = EventKinds.FirstModelKind + 1;
    private const int ServiceDone = EventKinds.FirstModelKind + 2;
    private const int Revalidate = EventKinds.FirstModelKind + 3;
    private const int RuleChange = EventKinds.FirstModelKind + 4;
    private const int VSwitchEgressDone = EventKinds.FirstInTransitKind;
    private const int VSwitchIngressDone = EventKinds.FirstInTransitKind + 1;
    public const int UplinkPort = 1;
    public const int LocalPort = 2;

    private readonly List<TrafficGenerator> _generators = [];
    private readonly ResponseServer _server;
    private readonly Dictionary<long, FlowStats> _flows = new();
    private readonly SortedDictionary<int, LatencyHistogram> _requestCompletion = new();
    private readonly Dictionary<long, (long Packets, long Bytes)> _vswitchDrops = new();
    private PhysicalNic? _nic;
    private VSwitch? _vswitch;
    private long _revalidatePeriod;
    private IReadOnlyList<(long At, Func<ActorsNetwork.OpenFlow.FlowTables, long, ActorsNetwork.OpenFlow.RuleSetChange> Apply)> _ruleChanges = [];
    private ServerCpu _cpu = new(1, 1_000_000_000);

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

    public void AttachCpu(ServerCpu cpu) => _cpu = cpu;

    /// <summary>Puts a vSwitch (running on this server's CPU) between the host's traffic and its NIC.</summary>
    public void AttachVSwitch(VSwitch vswitch, long revalidatePeriodPs,
        IReadOnlyList<(long At, Func<ActorsNetwork.OpenFlow.FlowTables, long, ActorsNetwork.OpenFlow.RuleSetChange> Apply)> ruleChanges)
    {
        _vswitch = vswitch;
        _cpu = vswitch.Cpu;
        _revalidatePeriod = revalidatePeriodPs;
        _ruleChanges = ruleChanges;
    }

    public override void Start()
    {
        foreach (var g in _generators) g.Start();
        if (_vswitch is null) return;
        ScheduleSelf(_revalidatePeriod, Revalidate, 0);
        for (var i = 0; i < _ruleChanges.Count; i++) ScheduleSelf(_ruleChanges[i].At, RuleChange, i);
    }

    public override void Handle(ref SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKinds.FrameArrival:
                if (_vswitch is null) Deliver(in e.Packet);
                else ThroughVSwitch(in e.Packet, UplinkPort, LocalPort, VSwitchIngressDone);
                break;
            case VSwitchIngressDone: Deliver(in e.Packet); break;
            case VSwitchEgressDone: Nic.Transmit(in e.Packet); break;
            case RuleChange: _vswitch!.ChangeRules(_ruleChanges[e.Arg].Apply, Now); break;
            case Revalidate:
                _vswitch!.Revalidate(Now);
                ScheduleSelf(Now + _revalidatePeriod, Revalidate, 0);
                break;
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
        if (_vswitch is null) Nic.Transmit(in packet);
        else ThroughVSwitch(in packet, LocalPort, UplinkPort, VSwitchEgressDone);
    }

    /// <summary>Runs the packet through the vSwitch; it continues at <paramref name="next"/> when the work is done, or is dropped.</summary>
    private void ThroughVSwitch(in Packet packet, int inPort, int outPort, int next)
    {
        var key = PacketFlowKey.Of(in packet, inPort);
        var verdict = _vswitch!.Process(in key, packet.FlowHash, Ethernet.FrameBytes(packet.PayloadBytes), Now);
        if (verdict.OutputPorts.Contains(outPort))
        {
            ScheduleSelf(verdict.DoneAt, next, 0, in packet);
            return;
        }
        var d = _vswitchDrops.GetValueOrDefault(packet.FlowId);
        _vswitchDrops[packet.FlowId] = (d.Packets + 1, d.Bytes + packet.PayloadBytes);
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
        var where = $"{Name}:vswitch";
        foreach (var (flowId, (packets, bytes)) in _vswitchDrops)
        {
            var f = results.Flow(flowId);
            f.DroppedPackets += packets;
            f.DroppedBytes += bytes;
            f.DropsAt[where] = f.DropsAt.GetValueOrDefault(where) + packets;
        }
        results.Servers[Name] = new ServerStats(Name, CpuStatsAt(endTime), VSwitchStatsNow());
    }

    public override ServerStats? Snapshot() => new(Name, CpuStatsAt(Now), VSwitchStatsNow());

    private CpuStats CpuStatsAt(long endTime)
    {
        long Busy(CpuCategory c)
        {
            long sum = 0;
            for (var core = 0; core < _cpu.Cores; core++) sum += _cpu.BusyPs(core, c, endTime);
            return sum;
        }
        return new CpuStats(_cpu.Cores, Busy(CpuCategory.HostKernel), Busy(CpuCategory.HostUser), Busy(CpuCategory.Guest));
    }

    private VSwitchStats? VSwitchStatsNow()
    {
        if (_vswitch is not { } v) return null;
        var s = v.Stats;
        return new VSwitchStats(s.Packets, s.ExactMatchHits, s.MegaflowHits, s.MaskCacheHits, s.UpcallsHandled, s.UpcallsLost,
            s.FlowsInstalled, s.InstallsRefused, s.Evictions, s.Revalidations, s.MasksProbed, s.Cycles,
            v.Megaflows.Count, v.Megaflows.MaskCount, _vswitchDrops.Values.Sum(d => d.Packets));
    }

    private void Deliver(in Packet packet)
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
