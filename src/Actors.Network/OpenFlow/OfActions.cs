using System.Globalization;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>The OpenFlow version rules were written for; it decides how some actions are encoded and printed.</summary>
public enum OpenFlowVersion
{
    /// <summary>OpenFlow 1.0 with Nicira extensions (what <c>ovs-ofctl add-flows</c> uses by default).</summary>
    OpenFlow10,
    /// <summary>OpenFlow 1.3 (<c>ovs-ofctl -O OpenFlow13</c>), needed for push_vlan and write_metadata.</summary>
    OpenFlow13,
}

/// <summary>An OpenFlow action of a rule. <see cref="ToString"/> prints it as <c>ovs-ofctl dump-flows</c> and ofproto/trace do.</summary>
public abstract record OfAction;

/// <summary>output:PORT, including the reserved ports NORMAL, FLOOD, ALL, IN_PORT and LOCAL.</summary>
public sealed record OutputAction(uint Port) : OfAction
{
    public override string ToString() => Port switch
    {
        OfPort.Normal or OfPort.Flood or OfPort.All or OfPort.InPort or OfPort.Local => OfPort.Format(Port),
        _ => "output:" + OfPort.Format(Port),
    };
}

/// <summary>mod_vlan_vid (<paramref name="PushIfNeeded"/>: tag an untagged packet) or set_vlan_vid.</summary>
public sealed record SetVlanVidAction(ushort Vid, bool PushIfNeeded) : OfAction
{
    public override string ToString() => (PushIfNeeded ? "mod_vlan_vid:" : "set_vlan_vid:") + Vid.ToString(CultureInfo.InvariantCulture);
}

public sealed record SetVlanPcpAction(byte Pcp, bool PushIfNeeded) : OfAction
{
    public override string ToString() => (PushIfNeeded ? "mod_vlan_pcp:" : "set_vlan_pcp:") + Pcp.ToString(CultureInfo.InvariantCulture);
}

/// <summary>strip_vlan (OpenFlow 1.0) / pop_vlan (1.1+): removes the outermost VLAN header.</summary>
public sealed record StripVlanAction(bool PopVlanName) : OfAction
{
    public override string ToString() => PopVlanName ? "pop_vlan" : "strip_vlan";
}

public sealed record PushVlanAction(ushort EtherType) : OfAction
{
    public override string ToString() => "push_vlan:0x" + EtherType.ToString("x4", CultureInfo.InvariantCulture);
}

/// <summary>The legacy rewrite actions of OpenFlow 1.0 (mod_dl_src ... mod_tp_dst), with OVS's per-action semantics.</summary>
public enum LegacyField { DlSrc, DlDst, NwSrc, NwDst, NwTos, TpSrc, TpDst }

public sealed record LegacySetAction(LegacyField Field, ulong Value) : OfAction
{
    public override string ToString() => Field switch
    {
        LegacyField.DlSrc => "mod_dl_src:" + MatchFormatter.FormatMac(Value),
        LegacyField.DlDst => "mod_dl_dst:" + MatchFormatter.FormatMac(Value),
        LegacyField.NwSrc => "mod_nw_src:" + MatchFormatter.FormatIp((uint)Value),
        LegacyField.NwDst => "mod_nw_dst:" + MatchFormatter.FormatIp((uint)Value),
        LegacyField.NwTos => "mod_nw_tos:" + Value.ToString(CultureInfo.InvariantCulture),
        LegacyField.TpSrc => "mod_tp_src:" + Value.ToString(CultureInfo.InvariantCulture),
        _ => "mod_tp_dst:" + Value.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>How a set_field/load action is printed: OpenFlow 1.0 rules show register writes as NXM <c>load</c>.</summary>
public enum SetFieldStyle { SetField, Load }

/// <summary>
/// set_field:VALUE[/MASK]->FIELD or load:VALUE->NXM_..[]: writes the masked bits of a field.
/// <paramref name="OxmName"/> is the field's name as OVS prints it (ip_dst, tcp_dst, vlan_vid, reg0, metadata...).
/// </summary>
public sealed record SetFieldAction(FlowField Field, string OxmName, ulong Value, ulong Mask, SetFieldStyle Style) : OfAction
{
    public override string ToString()
    {
        if (Style == SetFieldStyle.Load)
        {
            var (nxm, fieldBits) = OxmName switch
            {
                "metadata" => ("OXM_OF_METADATA", 64),
                "vlan_tci" => ("NXM_OF_VLAN_TCI", 16),
                _ => ("NXM_NX_" + OxmName.ToUpperInvariant(), 32),
            };
            var full = fieldBits == 64 ? ulong.MaxValue : (1UL << fieldBits) - 1;
            var low = Mask == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(Mask);
            var high = 63 - System.Numerics.BitOperations.LeadingZeroCount(Mask);
            var range = Mask == full ? "[]" : $"[{low}..{high}]";
            return $"load:{MatchFormatter.HexC(Value >> low)}->{nxm}{range}";
        }
        if (OxmName == "ip_dscp") return $"set_field:{(Value & 0xfc) >> 2}->ip_dscp";
        if (OxmName == "vlan_vid") return $"set_field:{Value & 0x1fff}->vlan_vid";
        if (OxmName == "vlan_pcp") return $"set_field:{(Value >> 13) & 7}->vlan_pcp";
        var value = Field == FlowField.NwSrc || Field == FlowField.NwDst ? MatchFormatter.FormatIp((uint)Value)
            : Field == FlowField.DlSrc || Field == FlowField.DlDst ? MatchFormatter.FormatMac(Value)
            : OxmName is "reg0" or "reg1" or "reg2" or "reg3" or "reg4" or "reg5" or "reg6" or "reg7" or "metadata" ? MatchFormatter.HexC(Value)
            : OxmName == "vlan_tci" ? Value.ToString(CultureInfo.InvariantCulture)
            : Value.ToString(CultureInfo.InvariantCulture);
        var maskText = Mask == Field.Ones ? "" : "/" + MatchFormatter.HexC(Mask);
        return $"set_field:{value}{maskText}->{OxmName}";
    }
}

public sealed record WriteMetadataAction(ulong Value, ulong Mask) : OfAction
{
    public override string ToString() => "write_metadata:" + MatchFormatter.HexC(Value) + (Mask == ulong.MaxValue ? "" : "/" + MatchFormatter.HexC(Mask));
}

/// <summary>resubmit([PORT],[TABLE]): a null port keeps the packet's in_port, a null table means the current table.</summary>
public sealed record ResubmitAction(uint? Port, byte? Table) : OfAction
{
    public override string ToString()
    {
        var port = Port is { } p ? OfPort.Format(p) : "";
        return Table is { } t ? $"resubmit({port},{t.ToString(CultureInfo.InvariantCulture)})" : "resubmit:" + port;
    }
}

public sealed record GotoTableAction(byte Table) : OfAction
{
    public override string ToString() => "goto_table:" + Table.ToString(CultureInfo.InvariantCulture);
}

/// <summary>dec_ttl: decrements the IPv4/IPv6 TTL; at 0 or 1 the packet goes to the controller and the rule's remaining actions stop.</summary>
public sealed record DecTtlAction : OfAction
{
    public override string ToString() => "dec_ttl";
}
