using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Bridges;

/// <summary>
/// A Linux bridge (net/bridge/: br0, docker0, virbr0) as a component: a learning switch in a kernel, whose ports
/// are the devices enslaved to it (taps of VMs, veths of containers, the uplink, the host's own interface).
/// </summary>
/// <remarks>
/// <para>
/// What it models, per frame arriving at port p (br_handle_frame and br_handle_frame_finish in net/bridge/br_input.c):
/// a frame whose source is a group address or all zeros is dropped (<c>is_valid_ether_addr</c>); otherwise the
/// source is learned on p (a station seen on another port moves to p; when the table is full it is not learned).
/// A destination with the group bit set (broadcast, multicast) is flooded to every port but p; so is a unicast
/// destination the table does not know (br_flood). A known destination goes out of its port — unless that port is
/// p itself, when the frame is dropped (should_deliver in br_forward.c refuses to send a frame back where it came
/// from: hairpin mode, off by default, is not modelled). Entries age out after <see cref="BridgeSettings.AgeingTimePs"/>
/// (see <see cref="ForwardingDatabase"/>); the garbage collector runs when the next entry expires, at least 10 ms
/// apart, as br_fdb_cleanup reschedules itself.
/// </para>
/// <para>
/// Cost: every valid frame costs one <see cref="StepCost"/> on the <see cref="Processor"/> — a fixed part per frame
/// and a part per frame byte (header to FCS) — in the given <see cref="CpuCategory"/> (HostKernel for a bridge in
/// the host, GuestKernel for one inside a VM); the flow hash picks the core, as RSS keeps a flow on one core. The
/// decision is taken when the frame arrives; every copy leaves when the core has done the frame's work. A flood is
/// charged once: sending each copy belongs to the device it leaves through, which the model of that device charges.
/// </para>
/// <para>
/// Accounting: a flood to k ports makes k - 1 copies, added to the flow's <see cref="FlowStats.CopiedPackets"/> so
/// that sent + copied = delivered + dropped + in flight stays exact; every drop is counted against its flow at the
/// bridge's drop location. The counters partition the frames: frames = forwarded + flooded + dropped_packets.
/// Left out: STP (no port states, no topology-change ageing), VLAN filtering, multicast snooping (with no querier
/// Linux floods multicast too, which is what happens here), static and local FDB entries, per-port flags
/// (learning, flood, isolation), netfilter on the bridge (br_netfilter).
/// </para>
/// </remarks>
public sealed class LinuxBridge : Component
{
    /// <summary>br_fdb_cleanup runs at least this far apart ("Cleanup minimum 10 milliseconds apart").</summary>
    public const long MinPurgeIntervalPs = 10 * SimTime.Millisecond;

    private const int PurgeTimer = 0;

    private int _ports;
    private readonly BridgeSettings _settings;
    private readonly ForwardingDatabase _fdb;
    private readonly Processor _processor;
    private readonly CpuCategory _category;
    private readonly StepCost _costPerFrame;
    private readonly DropLedger _drops;
    private readonly Dictionary<long, long> _copiesByFlow = new();

    private long _frames, _forwarded, _flooded, _floodCopies, _learned, _moved, _full, _cycles;
    private long _dropsInvalidSource, _dropsSamePort, _dropsNoPort;

    public override string Kind => "bridge";

    /// <param name="path">Stable path, e.g. "host3/br0".</param>
    /// <param name="dropLocation">How drops here are named in the results ("host3:br0").</param>
    /// <param name="ports">Number of ports, 0 .. ports - 1; the server's builder must wire every one (a flood uses them all).</param>
    /// <param name="settings">Ageing time and learning limit.</param>
    /// <param name="processor">Where the forwarding work runs: host cores, or a VM's vCPUs.</param>
    /// <param name="category">What that work counts as: HostKernel, or GuestKernel inside a VM.</param>
    /// <param name="costPerFrame">Cycles per frame with a valid source, forwarded, flooded or dropped because it would go back out of its own port (per packet + per frame byte).</param>
    public LinuxBridge(string path, string dropLocation, int ports, BridgeSettings settings, Processor processor,
        CpuCategory category, StepCost costPerFrame) : base(path)
    {
        if (ports < 1) throw new ArgumentOutOfRangeException(nameof(ports), ports, "a bridge needs at least one port");
        _ports = ports;
        _settings = settings;
        _fdb = new ForwardingDatabase(settings);
        _processor = processor;
        _category = category;
        _costPerFrame = costPerFrame;
        _drops = new DropLedger(dropLocation);
    }

    public int Ports => _ports;

    /// <summary>Adds a port after the others (<c>brctl addif</c>, for a VM that arrives while the run goes on) and returns it; the caller wires it.</summary>
    public int AddPort() => _ports++;

    /// <summary>
    /// Where unicast to a station the bridge has not learned goes instead of a flood, or -1 (flood, the default): set to
    /// the uplink of a bridge whose local stations are all known (learned as they announced themselves), it stands for
    /// what ARP would have taught it — a remote station's replies arrive through the uplink, so it is learned there.
    /// DcSim does not send ARP; this is its converged result, like the fabric's location table.
    /// </summary>
    public int UnknownUnicastPort { get; set; } = -1;

    public ForwardingDatabase Fdb => _fdb;

    public override void Start()
    {
        // Nothing learned can expire before one ageing time has passed; with learning off there is nothing to purge.
        if (_settings.Learns) SetTimer(_settings.AgeingTimePs, PurgeTimer);
    }

    public override void Receive(int port, in Packet packet)
    {
        _frames++;
        ref readonly var headers = ref packet.Headers;
        if (!MacAddress.IsValidSource(headers.SourceMac))
        {
            _dropsInvalidSource++;
            _drops.Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var bytes = Ethernet.FrameBytes(in packet);
        var done = _processor.Run(Now, _costPerFrame, bytes, _category, packet.FlowHash);
        _cycles += _costPerFrame.Cycles(bytes);
        Learn(headers.SourceMac, port);

        // A group address is never learned (it is no valid source), so testing it first only spares the lookup, as Linux does.
        var to = MacAddress.IsGroup(headers.DestinationMac) ? -1 : _fdb.Lookup(headers.DestinationMac, Now);
        if (to < 0 && UnknownUnicastPort >= 0 && !MacAddress.IsGroup(headers.DestinationMac)) to = UnknownUnicastPort;
        if (to < 0) Flood(port, done, in packet);
        else if (to == port)
        {
            _dropsSamePort++;
            _drops.Drop(packet.FlowId, packet.PayloadBytes);
        }
        else
        {
            _forwarded++;
            EmitAt(done, to, in packet);
        }
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        var nextExpiry = _fdb.Purge(Now);
        var delay = nextExpiry == long.MaxValue ? _settings.AgeingTimePs : nextExpiry - Now;
        SetTimer(Now + Math.Max(delay, MinPurgeIntervalPs), PurgeTimer);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _drops.Report(results);
        foreach (var (flowId, copies) in _copiesByFlow) results.Flow(flowId).CopiedPackets += copies;
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["frames"] = _frames;
        counters["forwarded"] = _forwarded;
        counters["flooded"] = _flooded;
        counters["flood_copies"] = _floodCopies;
        counters["learned"] = _learned;
        counters["moved"] = _moved;
        counters["aged"] = _fdb.Aged;
        counters["fdb_entries"] = _fdb.Count;
        counters["fdb_full"] = _full;
        counters["dropped_packets"] = _drops.Packets;
        counters["drops_invalid_source"] = _dropsInvalidSource;
        counters["drops_same_port"] = _dropsSamePort;
        counters["drops_no_port"] = _dropsNoPort;
        counters["cycles"] = _cycles;
    }

    private void Learn(ulong mac, int port)
    {
        switch (_fdb.Learn(mac, port, Now))
        {
            case FdbLearnOutcome.Learned: _learned++; break;
            case FdbLearnOutcome.Moved: _moved++; break;
            case FdbLearnOutcome.Full: _full++; break;
        }
    }

    /// <summary>Sends the frame out of every port but <paramref name="inPort"/>, in port order.</summary>
    private void Flood(int inPort, long done, in Packet packet)
    {
        var outputs = _ports - 1;
        if (outputs == 0)
        {
            // A one-port bridge has nowhere to flood to: the frame is freed, as br_flood does when no port qualifies.
            _dropsNoPort++;
            _drops.Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        for (var p = 0; p < _ports; p++)
            if (p != inPort) EmitAt(done, p, in packet);
        _flooded++;
        var copies = outputs - 1;
        if (copies == 0) return;
        _floodCopies += copies;
        _copiesByFlow[packet.FlowId] = _copiesByFlow.GetValueOrDefault(packet.FlowId) + copies;
    }
}
