using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>Output, flooding and the <c>normal</c> action, and the commit of header changes into datapath actions.</summary>
public sealed partial class Pipeline
{
    private void Output(Ctx ctx, uint port)
    {
        var inPort = (uint)ctx.Flow.Get(F.InPort);
        switch (port)
        {
            case OfPort.InPort: ComposeOutput(ctx, inPort); break;
            case OfPort.Normal: Normal(ctx); break;
            case OfPort.Flood:
            case OfPort.All:
                foreach (var p in _ports.OfPorts) if (p != inPort) ComposeOutput(ctx, p);
                break;
            case OfPort.Table or OfPort.Controller or OfPort.None: break;
            default:
                if (port != inPort) ComposeOutput(ctx, port);
                else ctx.Report(TraceNodeKind.Warn, "skipping output to input port");
                break;
        }
    }

    private void ComposeOutput(Ctx ctx, uint ofPort)
    {
        if (!_ports.Contains(ofPort))
        {
            ctx.Report(TraceNodeKind.Warn, "Nonexistent output port");
            return;
        }
        Commit(ctx);
        ctx.Odp.Add(new DpOutput(_ports.DpPort(ofPort)));
    }

    /// <summary>The <c>normal</c> action: an L2 learning switch in which every port is a VLAN trunk.</summary>
    private void Normal(Ctx ctx)
    {
        ref var flow = ref ctx.Flow;
        ref var wc = ref ctx.Wc;
        wc.Exact(F.DlSrc);
        wc.Exact(F.DlDst);
        wc.Or(F.VlanTci, F.VlanVidMask | F.VlanCfi);
        var inPort = (uint)flow.Get(F.InPort);
        if (!_ports.Contains(inPort))
        {
            ctx.Report(TraceNodeKind.Warn, "no input bundle, dropping");
            return;
        }
        var dst = flow.Get(F.DlDst);
        if (IsReservedMac(dst))
        {
            ctx.Report(TraceNodeKind.Detail, "packet has reserved destination MAC, dropping");
            return;
        }
        var vlan = HasVlan(flow) ? (ushort)(flow.Get(F.VlanTci) & F.VlanVidMask) : (ushort)0;
        var gratuitousArp = IsGratuitousArp(flow, ref wc);
        if (ctx.Options.Learn && _macs is not null) _macs.Learn(flow.Get(F.DlSrc), vlan, inPort, ctx.Options.NowPs);
        _ = gratuitousArp;   // only bonds treat gratuitous ARP specially, and bonds are not modelled

        var learned = _macs?.Lookup(dst, vlan, ctx.Options.NowPs);
        if (learned is { } port)
        {
            if (port == inPort) ctx.Report(TraceNodeKind.Detail, "learned port is input port, dropping");
            else if (!_ports.Contains(port)) ctx.Report(TraceNodeKind.Warn, "learned port is unknown, dropping");
            else
            {
                ctx.Report(TraceNodeKind.Detail, "forwarding to learned port");
                OutputNormal(ctx, port);
            }
            return;
        }
        if (UnknownUnicastPort is { } uplink && uplink != inPort && (dst & 0x0100_0000_0000UL) == 0 && _ports.Contains(uplink))
        {
            ctx.Report(TraceNodeKind.Detail, "no learned MAC for destination, sending to the uplink");
            OutputNormal(ctx, uplink);
            return;
        }
        ctx.Report(TraceNodeKind.Detail, "no learned MAC for destination, flooding");
        foreach (var p in _ports.OfPorts) if (p != inPort) OutputNormal(ctx, p);
    }

    /// <summary>
    /// OVS's <c>output_normal</c> for a trunk port: the tags are rewritten from their VID and PCP
    /// (<c>xvlan_put</c>), so a priority tag with VID 0 and PCP 0 leaves without a tag.
    /// </summary>
    private void OutputNormal(Ctx ctx, uint port)
    {
        var saved0 = ctx.Flow.Get(F.VlanTci);
        var saved1 = ctx.Flow.Get(F.VlanTci1);
        var savedTpids = ctx.Flow[8];
        var h0 = HasVlan(ctx.Flow) ? saved0 & ~(ulong)F.VlanCfi : 0;
        var h1 = HasVlan(ctx.Flow) && HasVlan1(ctx.Flow) ? saved1 & ~(ulong)F.VlanCfi : 0;
        ctx.Flow.Set(F.VlanTci, h0 == 0 ? 0 : h0 | F.VlanCfi);
        ctx.Flow.Set(F.VlanTci1, h1 == 0 ? 0 : h1 | F.VlanCfi);
        if (h0 == 0) ctx.Flow.Set(F.VlanTpid, 0);
        if (h1 == 0) ctx.Flow.Set(F.VlanTpid1, 0);
        ComposeOutput(ctx, port);
        ctx.Flow[8] = savedTpids;
        ctx.Flow.Set(F.VlanTci, saved0);
    }

    /// <summary>OVS's <c>is_gratuitous_arp</c>, including the fields it makes significant.</summary>
    private static bool IsGratuitousArp(in FlowKey flow, ref FlowKey wc)
    {
        if ((ushort)flow.Get(F.DlType) != F.EthTypeArp) return false;
        wc.Exact(F.DlDst);
        if (flow.Get(F.DlDst) != 0xffff_ffff_ffffUL) return false;
        wc.Exact(F.NwProto);
        var op = flow.Get(F.NwProto);
        if (op == 2) return true;
        if (op != 1) return false;
        wc.Exact(F.NwSrc);
        wc.Exact(F.NwDst);
        return flow.Get(F.NwSrc) == flow.Get(F.NwDst);
    }

    /// <summary>OVS's <c>eth_addr_is_reserved</c>: 802.1D/Q reserved group addresses and a few vendor control protocols.</summary>
    private static bool IsReservedMac(ulong mac) =>
        (mac & ~0xfUL) == 0x0180c2000000UL
        || mac is 0x00e02b000000UL or 0x00e02b000004UL or 0x00e02b000006UL or 0x01000c000000UL or 0x01000cccccccUL
            or 0x01000ccccccdUL or 0x01000ccdcdcdUL
        || (mac & ~0x7UL) == 0x01000cccccc0UL;

    /// <summary>
    /// OVS's <c>commit_odp_actions</c>: turns the differences between the packet as modified so far and
    /// the packet as the datapath will have it into set/push/pop actions, in OVS's order.
    /// </summary>
    private static void Commit(Ctx ctx)
    {
        ref var flow = ref ctx.Flow;
        ref var b = ref ctx.Base;
        ref var wc = ref ctx.Wc;
        CommitSet(ctx, "eth", [F.DlSrc, F.DlDst]);
        var proto = (byte)flow.Get(F.NwProto);
        if (proto != 0 && IsIpAny(b))
        {
            if (IsIp(b)) CommitSet(ctx, "ipv4", [F.NwSrc, F.NwDst, F.NwTos, F.NwTtl]);
            var attr = proto switch { F.ProtoTcp => "tcp", F.ProtoUdp => "udp", F.ProtoSctp => "sctp", _ => null };
            if (attr is not null) CommitSet(ctx, attr, [F.TpSrc, F.TpDst]);
        }
        // VLANs: pop the base's tags down to the common inner ones, then push the flow's.
        var bn = CountVlans(b) - 1;
        var fn = CountVlans(flow) - 1;
        while (bn >= 0 && fn >= 0 && VlanAt(b, bn) == VlanAt(flow, fn)) { bn--; fn--; }
        for (; bn >= 0; bn--)
        {
            ctx.Odp.Add(new DpPopVlan());
            wc.Exact(bn == 0 ? F.VlanTci : F.VlanTci1);
            wc.Exact(bn == 0 ? F.VlanTpid : F.VlanTpid1);
        }
        for (; fn >= 0; fn--)
        {
            var q = VlanAt(flow, fn);
            ctx.Odp.Add(new DpPushVlan((ushort)(q >> 16), (ushort)q));
        }
        b.Set(F.VlanTci, flow.Get(F.VlanTci));
        b.Set(F.VlanTci1, flow.Get(F.VlanTci1));
        b.Set(F.VlanTpid, flow.Get(F.VlanTpid));
        b.Set(F.VlanTpid1, flow.Get(F.VlanTpid1));
    }

    private static void CommitSet(Ctx ctx, string attribute, FlowField[] fields)
    {
        List<(FlowField, ulong, ulong)>? changed = null;
        foreach (var f in fields)
        {
            var v = ctx.Flow.Get(f);
            if (v == ctx.Base.Get(f)) continue;
            changed ??= new();
            changed.Add((f, v, ctx.Wc.Get(f)));
            ctx.Base.Set(f, v);
        }
        if (changed is not null) ctx.Odp.Add(new DpSetMasked(attribute, changed));
    }

    private static int CountVlans(in FlowKey k) => !HasVlan(k) ? 0 : HasVlan1(k) ? 2 : 1;

    /// <summary>OVS's <c>qtag</c> of header <paramref name="i"/>: TPID in the high 16 bits, TCI in the low 16.</summary>
    private static uint VlanAt(in FlowKey k, int i) =>
        (uint)(k.Get(i == 0 ? F.VlanTpid : F.VlanTpid1) << 16 | k.Get(i == 0 ? F.VlanTci : F.VlanTci1));
}
