using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>Side effects a translation may have. The default has none, like ofproto/trace.</summary>
/// <param name="Learn">Update the MAC learning table from packets that reach <c>normal</c> (a real upcall does; a trace does not).</param>
/// <param name="NowPs">Virtual time of the translation, for MAC aging and rule last-used times.</param>
/// <param name="CreditBytes">If set, credit every rule the packet hits with one packet of this many bytes.</param>
public sealed record TranslateOptions(bool Learn = false, long NowPs = 0, long? CreditBytes = null)
{
    public static readonly TranslateOptions Trace = new();
}

/// <summary>
/// The OpenFlow slow path of one bridge: translates a packet through the tables, starting at table 0,
/// into datapath actions and the megaflow that covers it (OVS's ofproto-dpif-xlate.c).
/// </summary>
/// <remarks>
/// <para>The megaflow mask is every bit the translation depended on: the bits each classifier lookup
/// consulted (see <see cref="Classifier"/>), plus what xlate itself always matches or reads — recirc_id,
/// in_port and dl_type always, nw_frag for IP; the fields an action rewrites or whose prerequisites it
/// checks; dl_src, dl_dst and the VLAN for <c>normal</c>; the ARP fields <c>normal</c> inspects for
/// gratuitous ARP; the whole outer VLAN header when a tag is popped. As in OVS's <c>xlate_wc_finish</c>,
/// metadata and registers are then dropped from the mask (they are not packet fields), ICMP type/code
/// masks are cut to 8 bits, the VLAN CFI bit joins any VLAN mask, and VLAN bits are cleared for headers
/// the original packet did not have.</para>
/// <para>Datapath actions are produced as OVS commits them before each output: Ethernet, IPv4 and
/// transport rewrites as masked <c>set(...)</c> actions (the userspace datapath supports masked sets),
/// then VLAN pops and pushes, then the output port.</para>
/// <para>Simplified: every port is a VLAN trunk with no bonding, mirroring, STP or multicast snooping;
/// there is no controller (a table miss drops); flooding lists ports in ascending OpenFlow port order
/// (OVS's order follows hash tables and can differ between runs); no conntrack, groups, meters,
/// tunnels, MPLS or IPv6.</para>
/// </remarks>
public sealed partial class Pipeline
{
    private const int MaxDepth = 64;
    private const int MaxResubmits = MaxDepth * MaxDepth;
    private readonly FlowTables _tables;
    private readonly BridgePorts _ports;
    private readonly MacLearningTable? _macs;
    private readonly string _bridgeName;
    /// <summary>Recirculation ids handed to controller actions, sequential from 1 as a fresh ovs-vswitchd allocates them.</summary>
    private uint _recircIds;

    public Pipeline(FlowTables tables, BridgePorts ports, MacLearningTable? macs = null, string bridgeName = "br0")
    {
        _tables = tables; _ports = ports; _macs = macs; _bridgeName = bridgeName;
    }

    /// <summary>Classifier work of all translations so far.</summary>
    public LookupStats Stats { get; } = new();

    public FlowTables Tables => _tables;
    public BridgePorts Ports => _ports;
    public MacLearningTable? MacTable => _macs;

    /// <summary>
    /// Where <c>normal</c> sends a unicast frame whose destination it has not learned, instead of flooding it: a
    /// hypervisor's uplink, standing in for the ARP exchange that would have taught the switch every remote MAC a VM
    /// talks to (DcSim has no ARP). Null, the default and real OVS's behaviour, floods.
    /// </summary>
    public uint? UnknownUnicastPort { get; set; }

    private sealed class Ctx
    {
        public FlowKey Flow, Base, Wc, Original;
        public readonly List<DatapathAction> Odp = new();
        public List<TraceNode> Trace = new();
        public readonly List<TableVisit> Visits = new();
        public int Depth, Resubmits;
        public byte TableId;
        public ulong RuleCookie;
        /// <summary>Set by an action that stops the rest of the current rule's actions (dec_ttl at TTL 0/1).</summary>
        public bool StopRule;
        public string? Error;
        public required TranslateOptions Options;

        public void Report(TraceNodeKind kind, string text) => Trace.Add(new TraceNode(kind, text));
    }

    /// <summary>Translates <paramref name="packet"/> (a packet as parsed by <see cref="FlowParser.ParsePacket"/>).</summary>
    public TraceResult Translate(in FlowKey packet, TranslateOptions? options = null)
    {
        var ctx = new Ctx { Flow = packet, Base = packet, Original = packet, Options = options ?? TranslateOptions.Trace };
        var top = ctx.Trace;
        // xlate_wc_init: fields a megaflow always matches.
        ctx.Wc.Exact(F.InPort);
        ctx.Wc.Exact(F.DlType);
        ctx.Wc.Exact(F.RecircId);
        if (IsIpAny(packet)) ctx.Wc.Or(F.NwFrag, F.FragMask);

        var rule = LookupFromTable(ctx, 0, (uint)packet.Get(F.InPort));
        ReportTable(ctx, rule, 0);
        ctx.RuleCookie = rule?.Cookie ?? 0;
        DoActions(ctx, rule?.Actions ?? []);
        if (ctx.Error is null) FinishWildcards(ctx);
        else ctx.Odp.Clear();
        return new TraceResult
        {
            Packet = packet,
            FinalFlow = ctx.Flow,
            Megaflow = new FlowMatch(packet, ctx.Wc),
            Actions = ctx.Odp.ToArray(),
            Tables = ctx.Visits,
            Nodes = top,
            Error = ctx.Error,
            BridgeName = _bridgeName,
        };
    }

    private OpenFlowRule? LookupFromTable(Ctx ctx, byte table, uint inPort)
    {
        var flow = ctx.Flow;
        flow.Set(F.InPort, inPort);
        // Fragment handling "normal": later and first fragments are looked up with zero ports.
        if ((flow.Get(F.NwFrag) & F.FragAny) != 0) { flow.Set(F.TpSrc, 0); flow.Set(F.TpDst, 0); }
        var rule = _tables.TryGetTable(table)?.Lookup(flow, ref ctx.Wc, Stats);
        if (rule is not null && ctx.Options.CreditBytes is { } bytes) rule.Credit(1, bytes, ctx.Options.NowPs);
        return rule;
    }

    private static void ReportTable(Ctx ctx, OpenFlowRule? rule, byte table)
    {
        var text = $"{table,2}. ";
        if (rule is null) text += "No match.";
        else
        {
            var match = rule.MatchText;
            text += match.Length > 0 ? match + ", " : "";
            text += "priority " + rule.Priority;
            if (rule.Cookie != 0) text += ", cookie " + MatchFormatter.HexC(rule.Cookie);
        }
        var node = new TraceNode(TraceNodeKind.Table, text);
        ctx.Trace.Add(node);
        ctx.Trace = node.Children;
        ctx.Visits.Add(new TableVisit(table, rule?.Priority, rule?.MatchText, rule?.ActionsText ?? "drop", rule));
    }

    private void DoActions(Ctx ctx, IReadOnlyList<OfAction> actions)
    {
        if (actions.Count == 0)
        {
            ctx.Report(TraceNodeKind.Action, "drop");
            return;
        }
        foreach (var a in actions)
        {
            if (ctx.Error is not null) break;
            if (ctx.StopRule) { ctx.StopRule = false; break; }
            ctx.Report(TraceNodeKind.Action, a.ToString());
            switch (a)
            {
                case OutputAction o: Output(ctx, o.Port); break;
                case SetVlanVidAction v:
                    ctx.Wc.Or(F.VlanTci, F.VlanVidMask | F.VlanCfi);
                    if (HasVlan(ctx.Flow) || v.PushIfNeeded)
                    {
                        if (ctx.Flow.Get(F.VlanTpid) == 0) ctx.Flow.Set(F.VlanTpid, F.EthTypeVlan);
                        ctx.Flow.SetMasked(F.VlanTci, (ulong)(v.Vid | F.VlanCfi), F.VlanVidMask | F.VlanCfi);
                    }
                    break;
                case SetVlanPcpAction p:
                    ctx.Wc.Or(F.VlanTci, F.VlanPcpMask | F.VlanCfi);
                    if (HasVlan(ctx.Flow) || p.PushIfNeeded)
                    {
                        if (ctx.Flow.Get(F.VlanTpid) == 0) ctx.Flow.Set(F.VlanTpid, F.EthTypeVlan);
                        ctx.Flow.SetMasked(F.VlanTci, (ulong)((p.Pcp << 13) | F.VlanCfi), F.VlanPcpMask | F.VlanCfi);
                    }
                    break;
                case StripVlanAction: PopVlan(ref ctx.Flow, ref ctx.Wc); break;
                case PushVlanAction push:
                    // flow_push_vlan_uninit: the existing tags become significant, then shift outward.
                    if (HasVlan(ctx.Flow))
                    {
                        ctx.Wc.Exact(F.VlanTci); ctx.Wc.Exact(F.VlanTpid);
                        if (HasVlan1(ctx.Flow)) { ctx.Wc.Exact(F.VlanTci1); ctx.Wc.Exact(F.VlanTpid1); }
                    }
                    ctx.Flow.Set(F.VlanTci1, ctx.Flow.Get(F.VlanTci));
                    ctx.Flow.Set(F.VlanTpid1, ctx.Flow.Get(F.VlanTpid));
                    ctx.Flow.Set(F.VlanTci, F.VlanCfi);
                    ctx.Flow.Set(F.VlanTpid, push.EtherType);
                    break;
                case LegacySetAction l: LegacySet(ctx, l); break;
                case SetFieldAction s: SetField(ctx, s); break;
                case WriteMetadataAction m: ctx.Flow.SetMasked(F.Metadata, m.Value, m.Mask); break;
                case ResubmitAction r: TableAction(ctx, r.Port ?? (uint)ctx.Flow.Get(F.InPort), r.Table ?? ctx.TableId); break;
                case GotoTableAction g: TableAction(ctx, (uint)ctx.Flow.Get(F.InPort), g.Table); break;
                case DecTtlAction: DecTtl(ctx); break;
            }
        }
        ctx.StopRule = false;
    }

    /// <summary>OVS's <c>compose_dec_ttl</c>: a TTL that would reach 0 sends the packet to the controller (invalid-TTL packet-in) and ends the rule.</summary>
    private void DecTtl(Ctx ctx)
    {
        if (!IsIpAny(ctx.Flow)) return;
        ctx.Wc.Exact(F.NwTtl);
        ctx.Wc.Exact(F.NwProto);
        var ttl = ctx.Flow.Get(F.NwTtl);
        if (ttl > 1)
        {
            ctx.Flow.Set(F.NwTtl, ttl - 1);
            return;
        }
        const int ReasonInvalidTtl = 2;
        Commit(ctx);
        ctx.Odp.Add(new DpControllerUpcall(ReasonInvalidTtl, !ctx.Options.Learn && ctx.Options.CreditBytes is null, ++_recircIds, ctx.RuleCookie, 0, ushort.MaxValue));
        ctx.Report(TraceNodeKind.Warn, $"IPv{(IsIp(ctx.Flow) ? 4 : 6)} decrement TTL exception");
        ctx.StopRule = true;
    }

    private void TableAction(Ctx ctx, uint inPort, byte table)
    {
        if (ctx.Depth >= MaxDepth)
        {
            ctx.Report(TraceNodeKind.Error, $"over max translation depth {MaxDepth}");
            ctx.Error = "Recursion too deep";
            return;
        }
        if (ctx.Resubmits >= MaxResubmits)
        {
            ctx.Report(TraceNodeKind.Error, $"over {MaxResubmits} resubmit actions");
            ctx.Error = "Too many resubmits";
            return;
        }
        var oldTable = ctx.TableId;
        ctx.TableId = table;
        var rule = LookupFromTable(ctx, table, inPort);
        var oldTrace = ctx.Trace;
        ReportTable(ctx, rule, table);
        var deepens = table <= oldTable ? 1 : 0;
        ctx.Resubmits++;
        ctx.Depth += deepens;
        var oldCookie = ctx.RuleCookie;
        ctx.RuleCookie = rule?.Cookie ?? 0;
        DoActions(ctx, rule?.Actions ?? []);
        ctx.RuleCookie = oldCookie;
        ctx.Depth -= deepens;
        ctx.Trace = oldTrace;
        ctx.TableId = oldTable;
    }

    private static void LegacySet(Ctx ctx, LegacySetAction l)
    {
        ref var flow = ref ctx.Flow;
        ref var wc = ref ctx.Wc;
        var ip = IsIp(flow);
        switch (l.Field)
        {
            case LegacyField.DlSrc: wc.Exact(F.DlSrc); flow.Set(F.DlSrc, l.Value); break;
            case LegacyField.DlDst: wc.Exact(F.DlDst); flow.Set(F.DlDst, l.Value); break;
            // IPv4 rewrites also make nw_proto significant (OVS commit 9d840923, in Debian's 3.1.0-2+deb12u1).
            case LegacyField.NwSrc: if (ip) { wc.Exact(F.NwSrc); wc.Exact(F.NwProto); flow.Set(F.NwSrc, l.Value); } break;
            case LegacyField.NwDst: if (ip) { wc.Exact(F.NwDst); wc.Exact(F.NwProto); flow.Set(F.NwDst, l.Value); } break;
            case LegacyField.NwTos: if (IsIpAny(flow)) { wc.Exact(F.NwProto); wc.Or(F.NwTos, F.IpDscpMask); flow.SetMasked(F.NwTos, l.Value, F.IpDscpMask); } break;
            case LegacyField.TpSrc:
            case LegacyField.TpDst:
                if (IsIpAny(flow) && (flow.Get(F.NwFrag) & F.FragLater) == 0)
                {
                    var f = l.Field == LegacyField.TpSrc ? F.TpSrc : F.TpDst;
                    wc.Exact(F.NwProto); wc.Exact(f); flow.Set(f, l.Value);
                }
                break;
        }
    }

    private static void SetField(Ctx ctx, SetFieldAction s)
    {
        ref var flow = ref ctx.Flow;
        ref var wc = ref ctx.Wc;
        var proto = (byte)flow.Get(F.NwProto);
        bool ok;
        switch (s.OxmName)
        {
            case "ip_src" or "ip_dst": ok = IsIp(flow); break;
            case "ip_dscp": ok = IsIpAny(flow); break;
            case "tcp_src" or "tcp_dst": ok = IsIpAny(flow); if (ok) { wc.Exact(F.NwProto); ok = proto == F.ProtoTcp; } break;
            case "udp_src" or "udp_dst": ok = IsIpAny(flow); if (ok) { wc.Exact(F.NwProto); ok = proto == F.ProtoUdp; } break;
            case "sctp_src" or "sctp_dst": ok = IsIpAny(flow); if (ok) { wc.Exact(F.NwProto); ok = proto == F.ProtoSctp; } break;
            case "vlan_vid" or "vlan_pcp": wc.Or(F.VlanTci, F.VlanCfi); ok = HasVlan(flow); break;
            default: ok = true; break;
        }
        if (!ok)
        {
            ctx.Report(TraceNodeKind.Warn, $"unmet prerequisites for {s.OxmName}, set_field ignored");
            return;
        }
        if (s.OxmName is "ip_src" or "ip_dst" or "ip_dscp") wc.Exact(F.NwProto);   // mf_set_mask_l3_prereqs
        wc.Or(s.Field, s.Mask);
        flow.SetMasked(s.Field, s.Value, s.Mask);
        if (s.Field == F.VlanTci && HasVlan(flow) && flow.Get(F.VlanTpid) == 0) flow.Set(F.VlanTpid, F.EthTypeVlan);
    }

    private static void PopVlan(ref FlowKey flow, ref FlowKey wc)
    {
        // flow_pop_vlan: with two tags the inner one becomes significant as it moves out.
        var two = HasVlan(flow) && HasVlan1(flow);
        if (two) { wc.Exact(F.VlanTci1); wc.Exact(F.VlanTpid1); }
        flow.Set(F.VlanTci, two ? flow.Get(F.VlanTci1) : 0);
        flow.Set(F.VlanTpid, two ? flow.Get(F.VlanTpid1) : 0);
        flow.Set(F.VlanTci1, 0);
        flow.Set(F.VlanTpid1, 0);
    }

    /// <summary>xlate_wc_finish: what OVS removes from or adds to the mask before it becomes a megaflow.</summary>
    private static void FinishWildcards(Ctx ctx)
    {
        ref var wc = ref ctx.Wc;
        wc.Set(F.Metadata, 0);
        foreach (var r in F.Regs) wc.Set(r, 0);
        var flow = ctx.Flow;
        var finalProto = flow.Get(F.NwProto);
        if ((IsIp(flow) && finalProto == F.ProtoIcmp) || ((ushort)flow.Get(F.DlType) == F.EthTypeIpv6 && finalProto == F.ProtoIcmpv6))
        {
            wc.Set(F.TpSrc, wc.Get(F.TpSrc) & 0xff);
            wc.Set(F.TpDst, wc.Get(F.TpDst) & 0xff);
        }
        if (wc.Get(F.VlanTci) != 0) wc.Or(F.VlanTci, F.VlanCfi);
        if (wc.Get(F.VlanTci1) != 0) wc.Or(F.VlanTci1, F.VlanCfi);
        if ((flow.Get(F.NwFrag) & F.FragLater) != 0) { wc.Set(F.TpSrc, 0); wc.Set(F.TpDst, 0); }
        if (!HasVlan(ctx.Original)) { wc.Set(F.VlanTci, 0); wc.Set(F.VlanTpid, 0); }
        if (!HasVlan1(ctx.Original)) { wc.Set(F.VlanTci1, 0); wc.Set(F.VlanTpid1, 0); }
    }

    private static bool IsIp(in FlowKey flow) => (ushort)flow.Get(F.DlType) == F.EthTypeIp;
    private static bool IsIpAny(in FlowKey flow) => F.IsIpAny((ushort)flow.Get(F.DlType));
    private static bool HasVlan(in FlowKey flow) => (flow.Get(F.VlanTci) & F.VlanCfi) != 0;
    private static bool HasVlan1(in FlowKey flow) => (flow.Get(F.VlanTci1) & F.VlanCfi) != 0;
}
