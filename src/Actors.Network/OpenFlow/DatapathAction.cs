using System.Globalization;
using System.Text;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>A datapath action of a megaflow. <see cref="ToString"/> prints it as OVS's <c>format_odp_actions</c> does.</summary>
public abstract record DatapathAction
{
    /// <summary>Applies the action's header change to <paramref name="packet"/> (outputs change nothing).</summary>
    public virtual void Apply(ref FlowKey packet) { }

    /// <summary>Formats a list the way "Datapath actions:" prints it ("drop" when empty).</summary>
    public static string Format(IReadOnlyList<DatapathAction> actions) =>
        actions.Count == 0 ? "drop" : string.Join(",", actions.Select(a => a.ToString()));
}

/// <summary>Send the packet to a datapath port.</summary>
public sealed record DpOutput(uint DpPort) : DatapathAction
{
    public override string ToString() => DpPort.ToString(CultureInfo.InvariantCulture);
}

/// <summary>push_vlan: a new outer VLAN header with this TPID and TCI.</summary>
public sealed record DpPushVlan(ushort Tpid, ushort Tci) : DatapathAction
{
    public override void Apply(ref FlowKey packet)
    {
        packet.Set(F.VlanTci1, packet.Get(F.VlanTci));
        packet.Set(F.VlanTpid1, packet.Get(F.VlanTpid));
        packet.Set(F.VlanTci, Tci);
        packet.Set(F.VlanTpid, Tpid);
    }

    public override string ToString()
    {
        var s = "push_vlan(" + (Tpid != F.EthTypeVlan ? $"tpid=0x{Tpid:x4}," : "") + $"vid={Tci & F.VlanVidMask},pcp={Tci >> 13}";
        if ((Tci & F.VlanCfi) == 0) s += ",cfi=0";
        return s + ")";
    }
}

public sealed record DpPopVlan : DatapathAction
{
    public override void Apply(ref FlowKey packet)
    {
        packet.Set(F.VlanTci, packet.Get(F.VlanTci1));
        packet.Set(F.VlanTpid, packet.Get(F.VlanTpid1));
        packet.Set(F.VlanTci1, 0);
        packet.Set(F.VlanTpid1, 0);
    }

    public override string ToString() => "pop_vlan";
}

/// <summary>
/// A masked set action on one datapath key attribute (<c>eth</c>, <c>ipv4</c>, <c>tcp</c>, <c>udp</c>,
/// <c>sctp</c>): writes <see cref="Value"/> under <see cref="Mask"/> for each listed field. Only fields
/// whose mask is non-zero are listed, in the order OVS prints them.
/// </summary>
public sealed record DpSetMasked(string Attribute, IReadOnlyList<(FlowField Field, ulong Value, ulong Mask)> Fields) : DatapathAction
{
    public override void Apply(ref FlowKey packet)
    {
        foreach (var (field, value, mask) in Fields) packet.SetMasked(field, value, mask);
    }

    public override string ToString()
    {
        var sb = new StringBuilder("set(").Append(Attribute).Append('(');
        var first = true;
        foreach (var (field, value, mask) in Fields)
        {
            if (!first) sb.Append(',');
            first = false;
            var full = mask == (field == F.NwTos ? 0xffUL : field.Ones);
            if (field == F.DlSrc || field == F.DlDst)
            {
                sb.Append(field == F.DlSrc ? "src=" : "dst=").Append(MatchFormatter.FormatMac(value));
                if (!full) sb.Append('/').Append(MatchFormatter.FormatMac(mask));
            }
            else if (field == F.NwSrc || field == F.NwDst)
            {
                sb.Append(field == F.NwSrc ? "src=" : "dst=").Append(MatchFormatter.FormatIp((uint)value));
                if (!full) sb.Append('/').Append(MatchFormatter.FormatIp((uint)mask));
            }
            else if (field == F.NwTos)
            {
                sb.Append("tos=").Append(MatchFormatter.HexC(value));
                if (!full) sb.Append('/').Append(MatchFormatter.HexC(mask));
            }
            else if (field == F.NwTtl)
            {
                sb.Append("ttl=").Append(value.ToString(CultureInfo.InvariantCulture));
                if (!full) sb.Append('/').Append(MatchFormatter.HexC(mask));
            }
            else
            {
                sb.Append(field == F.TpSrc ? "src=" : "dst=").Append(value.ToString(CultureInfo.InvariantCulture));
                if (!full) sb.Append('/').Append(MatchFormatter.HexC(mask));
            }
        }
        return sb.Append("))").ToString();
    }
}

/// <summary>
/// The userspace action that sends a packet to the controller (a packet-in), as OVS composes it;
/// <see cref="DontSend"/> is set when translating without side effects (ofproto/trace).
/// </summary>
public sealed record DpControllerUpcall(int Reason, bool DontSend, uint RecircId, ulong RuleCookie, ushort ControllerId, ushort MaxLen) : DatapathAction
{
    public override string ToString() =>
        $"userspace(pid=0,controller(reason={Reason},dont_send={(DontSend ? 1 : 0)},continuation=0,recirc_id={RecircId},rule_cookie={MatchFormatter.HexC(RuleCookie)},controller_id={ControllerId},max_len={MaxLen}))";
}
