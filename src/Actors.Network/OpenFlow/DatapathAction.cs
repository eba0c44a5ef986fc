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

/// <summary>push_vlan: a new outer 802.1Q header with this TCI.</summary>
public sealed record DpPushVlan(ushort Tci) : DatapathAction
{
    public override void Apply(ref FlowKey packet)
    {
        packet.Set(F.VlanTci1, packet.Get(F.VlanTci));
        packet.Set(F.VlanTci, Tci);
    }

    public override string ToString()
    {
        var s = $"push_vlan(vid={Tci & F.VlanVidMask},pcp={Tci >> 13}";
        if ((Tci & F.VlanCfi) == 0) s += ",cfi=0";
        return s + ")";
    }
}

public sealed record DpPopVlan : DatapathAction
{
    public override void Apply(ref FlowKey packet)
    {
        packet.Set(F.VlanTci, packet.Get(F.VlanTci1));
        packet.Set(F.VlanTci1, 0);
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
