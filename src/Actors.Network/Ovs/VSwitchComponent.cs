using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// An Open vSwitch bridge inside a server, as a component: its ports are the bridge's OpenFlow ports (1: the
/// uplink to the NIC; 2: the host's stack). Each packet is classified by its headers, the datapath
/// (<see cref="VSwitch"/>) decides on the server's cores, and the typed actions route it: headers are
/// rewritten and the packet leaves through every output port when the core is done with it, or is dropped
/// (no output, or a lost upcall) and counted against its flow. A packet for a datapath core whose backlog is full is
/// dropped on arrival ("PATH:backlog").
/// </summary>
/// <remarks>
/// Timers: 0 is the revalidator's periodic sweep; 1 applies the scenario's timed rule change whose index is
/// the token. An output to k ports (a flood of NORMAL switching towards VMs) makes k - 1 copies, counted per flow
/// so that conservation stays exact.
/// </remarks>
public sealed class VSwitchComponent : Component
{
    private const int RevalidateTimer = 0;
    private const int RuleChangeTimer = 1;

    private readonly VSwitch _vswitch;
    private readonly long _revalidatePeriodPs;
    private readonly IReadOnlyList<(long At, Func<FlowTables, long, RuleSetChange> Apply)> _ruleChanges;
    private readonly DropLedger _drops;
    private readonly string _dropLocation;
    // Made by the first overload drop: most vSwitches never see one.
    private DropLedger? _backlog;
    private readonly Dictionary<long, long> _copies = new();

    public override string Kind => "vswitch";

    /// <param name="dropLocation">How drops here are named in the results ("host3:vswitch").</param>
    public VSwitchComponent(string path, string dropLocation, VSwitch vswitch, long revalidatePeriodPs,
        IReadOnlyList<(long At, Func<FlowTables, long, RuleSetChange> Apply)> ruleChanges) : base(path)
    {
        _drops = new DropLedger(dropLocation);
        _dropLocation = dropLocation;
        _vswitch = vswitch;
        _revalidatePeriodPs = revalidatePeriodPs;
        _ruleChanges = ruleChanges;
    }

    public VSwitch VSwitch => _vswitch;

    public override void Start()
    {
        SetTimer(_revalidatePeriodPs, RevalidateTimer);
        for (var i = 0; i < _ruleChanges.Count; i++) SetTimer(_ruleChanges[i].At, RuleChangeTimer, i);
    }

    public override void Receive(int port, in Packet packet)
    {
        if (_vswitch.Overloaded(packet.FlowHash, Now))
        {
            (_backlog ??= new DropLedger($"{_dropLocation}:backlog")).Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var key = PacketFlowKey.Of(in packet, port);
        // OVS counts a frame's bytes as the NIC hands it over, without its FCS (the flows' and rules' n_bytes); nothing else reads them.
        var verdict = _vswitch.Process(in key, packet.FlowHash, Ethernet.FrameBytes(in packet) - Ethernet.FcsBytes, Now);
        if (verdict.Actions is not { OutputPorts.Count: > 0 } actions)
        {
            _drops.Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var forwarded = packet;
        if (actions.RewritesHeaders) PacketFlowKey.Rewrite(ref forwarded, actions, key);
        // Indexed, not foreach: enumerating an IReadOnlyList would allocate per packet.
        var outputs = actions.OutputPorts;
        for (var i = 0; i < outputs.Count; i++) EmitAt(verdict.DoneAt, outputs[i], in forwarded);
        if (outputs.Count > 1) _copies[packet.FlowId] = _copies.GetValueOrDefault(packet.FlowId) + outputs.Count - 1;
    }

    public override void OnTimer(int timer, int token, in Packet carried)
    {
        if (timer == RuleChangeTimer)
        {
            _vswitch.ChangeRules(_ruleChanges[token].Apply, Now);
            return;
        }
        _vswitch.Revalidate(Now);
        SetTimer(Now + _revalidatePeriodPs, RevalidateTimer);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _drops.Report(results);
        _backlog?.Report(results);
        foreach (var (flowId, copies) in _copies) results.Flow(flowId).CopiedPackets += copies;
        base.Report(results, endTime);
    }

    /// <summary>
    /// Its OpenFlow rules (table, then the order they were added, as <c>ovs-ofctl dump-flows</c> lists one table) and its datapath
    /// flows (by their text: OVS lists them in hash-table order, which no run could reproduce), as OVS prints them at the listing's time.
    /// Reads only: the counters and ages printed come from the state as it is.
    /// </summary>
    public override void WriteListings(ComponentListings listings)
    {
        var now = listings.AtPs;
        var rules = _vswitch.Tables?.Rules.ToList() ?? [];
        listings.Add("openflow_rules", rules.Count, rules.Select(r => FlowDump.Rule(r, now)));
        var netdev = _vswitch.DatapathKind == DatapathKind.Netdev;
        var flows = _vswitch.Megaflows.Flows.Select(f => FlowDump.Megaflow(f, now, netdev)).Order(StringComparer.Ordinal).ToList();
        listings.Add("datapath_flows", flows.Count, flows);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        var s = _vswitch.Stats;
        counters["packets"] = s.Packets;
        counters["exact_match_hits"] = s.ExactMatchHits;
        counters["megaflow_hits"] = s.MegaflowHits;
        counters["mask_cache_hits"] = s.MaskCacheHits;
        counters["upcalls_handled"] = s.UpcallsHandled;
        counters["upcalls_lost"] = s.UpcallsLost;
        counters["flows_installed"] = s.FlowsInstalled;
        counters["installs_refused"] = s.InstallsRefused;
        counters["evictions"] = s.Evictions;
        counters["revalidations"] = s.Revalidations;
        counters["masks_probed"] = s.MasksProbed;
        counters["cycles"] = s.Cycles;
        counters["megaflows"] = _vswitch.Megaflows.Count;
        counters["masks"] = _vswitch.Megaflows.MaskCount;
        counters["dropped_packets"] = _drops.Packets;
        counters["backlog_dropped_packets"] = _backlog?.Packets ?? 0;
    }
}
