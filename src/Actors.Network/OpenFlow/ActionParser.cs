using System.Globalization;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// Parses the <c>actions=</c> part of a rule in <c>ovs-ofctl</c> syntax and applies the conversions
/// OVS makes when it sends the rule to the switch in the chosen OpenFlow version, so that the rule the
/// model executes (and prints) is the rule OVS would execute:
/// with OpenFlow 1.0, <c>goto_table:N</c> becomes <c>resubmit(,N)</c> and set_field on packet fields
/// becomes the matching <c>mod_*</c> action; with OpenFlow 1.3, <c>mod_vlan_vid</c>/<c>mod_vlan_pcp</c>
/// become <c>set_field</c> preceded by <c>push_vlan</c> when the match does not guarantee a VLAN tag.
/// </summary>
public static class ActionParser
{
    public static List<OfAction> Parse(string text, in FlowMatch match, byte table, OpenFlowVersion version)
    {
        var actions = new List<OfAction>();
        string? drop = null;
        // Tags the packet is known to carry at this point of the action list (OVS tracks this to validate actions).
        var vlans = (match.Mask.Get(F.VlanTci) & F.VlanCfi) != 0 && (match.Key.Get(F.VlanTci) & F.VlanCfi) != 0 ? 1 : 0;
        var proto = match.Mask.Get(F.NwProto) == 0xff ? (byte)match.Key.Get(F.NwProto) : (byte)0;
        var isIp = match.Mask.Get(F.DlType) == 0xffff && (ushort)match.Key.Get(F.DlType) == F.EthTypeIp;
        var sawWriteMetadata = false;
        var sawGoto = false;
        foreach (var (name, arg, item) in FlowTokenizer.Split(text))
        {
            if (sawGoto) throw new FlowSyntaxException(item, "goto_table must be the last action");
            var lower = name.ToLowerInvariant();
            if (sawWriteMetadata && lower != "goto_table") throw new FlowSyntaxException(item, "write_metadata must come after the other actions (only goto_table may follow it)");
            switch (lower)
            {
                case "drop":
                    drop = item;
                    break;
                case "output":
                    actions.Add(new OutputAction(ParseOutputPort(item, Need(item, arg))));
                    break;
                case "normal": actions.Add(new OutputAction(OfPort.Normal)); break;
                case "flood": actions.Add(new OutputAction(OfPort.Flood)); break;
                case "all": actions.Add(new OutputAction(OfPort.All)); break;
                case "in_port": actions.Add(new OutputAction(OfPort.InPort)); break;
                case "local": actions.Add(new OutputAction(OfPort.Local)); break;
                case "controller":
                    throw FlowSyntaxException.Unmodelled(item, "controller is not modelled (the simulated bridge has no controller)");
                case "mod_vlan_vid":
                case "set_vlan_vid":
                {
                    var vid = (ushort)FlowFieldSyntax.ParseUint(Need(item, arg), 12, name);
                    var push = lower == "mod_vlan_vid";
                    if (version == OpenFlowVersion.OpenFlow13)
                    {
                        if (push && vlans == 0) { actions.Add(new PushVlanAction(F.EthTypeVlan)); vlans = 1; }
                        actions.Add(new SetFieldAction(F.VlanTci, "vlan_vid", (ulong)(vid | F.VlanCfi), F.VlanVidMask | F.VlanCfi, SetFieldStyle.SetField));
                    }
                    else actions.Add(new SetVlanVidAction(vid, push));
                    vlans = Math.Max(vlans, 1);
                    break;
                }
                case "mod_vlan_pcp":
                case "set_vlan_pcp":
                {
                    var pcp = (byte)FlowFieldSyntax.ParseUint(Need(item, arg), 3, name);
                    var push = lower == "mod_vlan_pcp";
                    if (version == OpenFlowVersion.OpenFlow13)
                    {
                        if (push && vlans == 0) { actions.Add(new PushVlanAction(F.EthTypeVlan)); vlans = 1; }
                        actions.Add(new SetFieldAction(F.VlanTci, "vlan_pcp", (ulong)((pcp << 13) | F.VlanCfi), F.VlanPcpMask | F.VlanCfi, SetFieldStyle.SetField));
                    }
                    else actions.Add(new SetVlanPcpAction(pcp, push));
                    vlans = Math.Max(vlans, 1);
                    break;
                }
                case "strip_vlan":
                case "pop_vlan":
                    if (version == OpenFlowVersion.OpenFlow13 && vlans == 0) throw new FlowSyntaxException(item, "pop_vlan needs a VLAN tag in OpenFlow 1.3 (match one or push_vlan first); only OpenFlow 1.0 allows it on any packet");
                    actions.Add(new StripVlanAction(version == OpenFlowVersion.OpenFlow13));
                    vlans = Math.Max(0, vlans - 1);
                    break;
                case "push_vlan":
                {
                    var type = (ushort)FlowFieldSyntax.ParseUint(Need(item, arg), 16, name);
                    if (type is not (F.EthTypeVlan or F.EthTypeQinQ)) throw new FlowSyntaxException(item, "push_vlan takes 0x8100 or 0x88a8");
                    if (version == OpenFlowVersion.OpenFlow10) throw new FlowSyntaxException(item, "push_vlan needs OpenFlow 1.1 or later (use OpenFlow13)");
                    if (vlans >= 2) throw new FlowSyntaxException(item, "at most 2 VLAN headers (OFPBAC_BAD_TAG)");
                    actions.Add(new PushVlanAction(type));
                    vlans++;
                    break;
                }
                case "mod_dl_src": Legacy(LegacyField.DlSrc, FlowFieldSyntax.ParseMac(Need(item, arg))); break;
                case "mod_dl_dst": Legacy(LegacyField.DlDst, FlowFieldSyntax.ParseMac(Need(item, arg))); break;
                case "mod_nw_src": Legacy(LegacyField.NwSrc, FlowFieldSyntax.ParseIp(Need(item, arg))); break;
                case "mod_nw_dst": Legacy(LegacyField.NwDst, FlowFieldSyntax.ParseIp(Need(item, arg))); break;
                case "mod_nw_tos":
                {
                    var tos = FlowFieldSyntax.ParseUint(Need(item, arg), 8, name);
                    if ((tos & F.IpEcnMask) != 0) throw new FlowSyntaxException(item, "mod_nw_tos must be a multiple of 4");
                    Legacy(LegacyField.NwTos, tos);
                    break;
                }
                case "mod_tp_src": Legacy(LegacyField.TpSrc, FlowFieldSyntax.ParseUint(Need(item, arg), 16, name)); break;
                case "mod_tp_dst": Legacy(LegacyField.TpDst, FlowFieldSyntax.ParseUint(Need(item, arg), 16, name)); break;
                case "set_field":
                    ParseSetField(item, Need(item, arg));
                    break;
                case "load":
                    actions.Add(ParseLoad(item, Need(item, arg)));
                    break;
                case "dec_ttl":
                    if (!string.IsNullOrEmpty(arg)) throw FlowSyntaxException.Unmodelled(item, "dec_ttl with controller ids is not modelled");
                    actions.Add(new DecTtlAction());
                    break;
                case "resubmit":
                    actions.Add(ParseResubmit(item, Need(item, arg)));
                    break;
                case "goto_table":
                {
                    var t = (byte)FlowFieldSyntax.ParseUint(Need(item, arg), 8, name);
                    if (t <= table) throw new FlowSyntaxException(item, $"goto_table must go to a later table than {table}");
                    actions.Add(version == OpenFlowVersion.OpenFlow13 ? new GotoTableAction(t) : new ResubmitAction(null, t));
                    sawGoto = true;
                    break;
                }
                case "write_metadata":
                {
                    if (version == OpenFlowVersion.OpenFlow10) throw new FlowSyntaxException(item, "write_metadata needs OpenFlow 1.1 or later (use OpenFlow13)");
                    var (v, m) = SplitSlash(Need(item, arg));
                    actions.Add(new WriteMetadataAction(FlowFieldSyntax.ParseUint(v, 64, name), m is null ? ulong.MaxValue : FlowFieldSyntax.ParseUint(m, 64, name)));
                    sawWriteMetadata = true;
                    break;
                }
                default:
                    // A bare port number is an output; OVS reads only the key (output "2(x)" is output:2).
                    if (OfPort.TryParse(name, out _)) { actions.Add(new OutputAction(ParseOutputPort(item, name))); break; }
                    throw FlowSyntaxException.Unmodelled(item, $"unknown or unsupported action '{name}'");
            }
        }
        // OVS allows "drop" any number of times, but never beside another action.
        if (drop is not null && actions.Count > 0) throw new FlowSyntaxException(drop, "drop must not be accompanied by any other action");
        return actions;

        void Legacy(LegacyField field, ulong value)
        {
            if (version == OpenFlowVersion.OpenFlow10) { actions.Add(new LegacySetAction(field, value)); return; }
            actions.Add(field switch
            {
                LegacyField.DlSrc => new SetFieldAction(F.DlSrc, "eth_src", value, F.DlSrc.Ones, SetFieldStyle.SetField),
                LegacyField.DlDst => new SetFieldAction(F.DlDst, "eth_dst", value, F.DlDst.Ones, SetFieldStyle.SetField),
                LegacyField.NwSrc => new SetFieldAction(F.NwSrc, "ip_src", value, F.NwSrc.Ones, SetFieldStyle.SetField),
                LegacyField.NwDst => new SetFieldAction(F.NwDst, "ip_dst", value, F.NwDst.Ones, SetFieldStyle.SetField),
                LegacyField.NwTos => new SetFieldAction(F.NwTos, "ip_dscp", value, F.IpDscpMask, SetFieldStyle.SetField),
                LegacyField.TpSrc => new SetFieldAction(F.TpSrc, L4Name("src"), value, F.TpSrc.Ones, SetFieldStyle.SetField),
                _ => new SetFieldAction(F.TpDst, L4Name("dst"), value, F.TpDst.Ones, SetFieldStyle.SetField),
            });
        }

        string L4Name(string dir) => (proto == F.ProtoUdp ? "udp_" : proto == F.ProtoSctp ? "sctp_" : "tcp_") + dir;

        void ParseSetField(string item, string arg)
        {
            var arrow = arg.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) throw new FlowSyntaxException(item, "set_field expects VALUE[/MASK]->FIELD");
            var (vText, mText) = SplitSlash(arg[..arrow]);
            var target = arg[(arrow + 2)..];
            switch (target)
            {
                case "ip_src" or "nw_src" or "ip_dst" or "nw_dst":
                {
                    if (!isIp) throw new FlowSyntaxException(item, $"set_field {target} lacks correct prerequisites (the match needs ip)");
                    var dst = target is "ip_dst" or "nw_dst";
                    var ip = FlowFieldSyntax.ParseIp(vText);
                    if (mText is null) Legacy(dst ? LegacyField.NwDst : LegacyField.NwSrc, ip);
                    else actions.Add(new SetFieldAction(dst ? F.NwDst : F.NwSrc, dst ? "ip_dst" : "ip_src", ip, FlowFieldSyntax.ParseIp(mText), SetFieldStyle.SetField));
                    break;
                }
                case "eth_src" or "dl_src": Legacy(LegacyField.DlSrc, FlowFieldSyntax.ParseMac(vText)); break;
                case "eth_dst" or "dl_dst": Legacy(LegacyField.DlDst, FlowFieldSyntax.ParseMac(vText)); break;
                case "tcp_src" or "tcp_dst" or "udp_src" or "udp_dst" or "tp_src" or "tp_dst" or "sctp_src" or "sctp_dst":
                {
                    if (!isIp || proto is not (F.ProtoTcp or F.ProtoUdp or F.ProtoSctp)) throw new FlowSyntaxException(item, $"set_field {target} lacks correct prerequisites (the match needs tcp, udp or sctp)");
                    Legacy(target.EndsWith("src", StringComparison.Ordinal) ? LegacyField.TpSrc : LegacyField.TpDst, FlowFieldSyntax.ParseUint(vText, 16, target));
                    break;
                }
                case "ip_dscp":
                    if (!isIp) throw new FlowSyntaxException(item, "set_field ip_dscp lacks correct prerequisites (the match needs ip)");
                    Legacy(LegacyField.NwTos, FlowFieldSyntax.ParseUint(vText, 6, target) << 2);
                    break;
                case "vlan_vid":
                {
                    var v = FlowFieldSyntax.ParseUint(vText, 13, target);
                    if (version == OpenFlowVersion.OpenFlow10) actions.Add(new SetVlanVidAction((ushort)(v & F.VlanVidMask), true));
                    else
                    {
                        if (vlans == 0) throw new FlowSyntaxException(item, "set_field vlan_vid lacks correct prerequisites (needs a VLAN tag: match one or push_vlan first)");
                        actions.Add(new SetFieldAction(F.VlanTci, "vlan_vid", v | F.VlanCfi, F.VlanVidMask | F.VlanCfi, SetFieldStyle.SetField));
                    }
                    vlans = Math.Max(vlans, 1);
                    break;
                }
                case "vlan_pcp":
                {
                    var v = FlowFieldSyntax.ParseUint(vText, 3, target);
                    if (version == OpenFlowVersion.OpenFlow10) actions.Add(new SetVlanPcpAction((byte)v, true));
                    else
                    {
                        if (vlans == 0) throw new FlowSyntaxException(item, "set_field vlan_pcp lacks correct prerequisites (needs a VLAN tag: match one or push_vlan first)");
                        actions.Add(new SetFieldAction(F.VlanTci, "vlan_pcp", (v << 13) | F.VlanCfi, F.VlanPcpMask | F.VlanCfi, SetFieldStyle.SetField));
                    }
                    vlans = Math.Max(vlans, 1);
                    break;
                }
                case "vlan_tci":
                {
                    var tci = FlowFieldSyntax.ParseUint(vText, 16, target);
                    var tciMask = mText is null ? 0xffffUL : FlowFieldSyntax.ParseUint(mText, 16, target);
                    if (version == OpenFlowVersion.OpenFlow10 && tciMask == 0xffff)
                    {
                        // OpenFlow 1.0 has no TCI write: OVS sends it as set-VID + set-PCP, or strip when CFI is clear.
                        if ((tci & F.VlanCfi) == 0) { actions.Add(new StripVlanAction(false)); vlans = Math.Max(0, vlans - 1); }
                        else
                        {
                            actions.Add(new SetVlanVidAction((ushort)(tci & F.VlanVidMask), true));
                            actions.Add(new SetVlanPcpAction((byte)(tci >> 13), true));
                            vlans = Math.Max(vlans, 1);
                        }
                        break;
                    }
                    actions.Add(new SetFieldAction(F.VlanTci, "vlan_tci", tci & tciMask, tciMask, SetFieldStyle.SetField));
                    vlans = (tci & F.VlanCfi) != 0 ? Math.Max(vlans, 1) : 0;
                    break;
                }
                case "metadata":
                {
                    var value = FlowFieldSyntax.ParseUint(vText, 64, target);
                    var mask = mText is null ? ulong.MaxValue : FlowFieldSyntax.ParseUint(mText, 64, target);
                    actions.Add(new SetFieldAction(F.Metadata, "metadata", value & mask, mask, version == OpenFlowVersion.OpenFlow10 && IsContiguous(mask) ? SetFieldStyle.Load : SetFieldStyle.SetField));
                    break;
                }
                default:
                {
                    var reg = RegIndex(target);
                    if (reg < 0) throw FlowSyntaxException.Unmodelled(item, $"set_field to '{target}' is not modelled");
                    var value = FlowFieldSyntax.ParseUint(vText, 32, target);
                    var mask = mText is null ? 0xffff_ffffUL : FlowFieldSyntax.ParseUint(mText, 32, target);
                    actions.Add(new SetFieldAction(F.Regs[reg], target, value & mask, mask, version == OpenFlowVersion.OpenFlow10 && IsContiguous(mask) ? SetFieldStyle.Load : SetFieldStyle.SetField));
                    break;
                }
            }
        }
    }

    private static SetFieldAction ParseLoad(string item, string arg)
    {
        var arrow = arg.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0) throw new FlowSyntaxException(item, "load expects VALUE->FIELD[start..end]");
        var value = FlowFieldSyntax.ParseUint(arg[..arrow], 64, "load");
        var dst = arg[(arrow + 2)..];
        var bracket = dst.IndexOf('[');
        if (bracket < 0 || !dst.EndsWith(']')) throw new FlowSyntaxException(item, "load destination must be FIELD[] or FIELD[start..end]");
        var fieldName = dst[..bracket];
        var range = dst[(bracket + 1)..^1];
        string oxm;
        FlowField field;
        if (fieldName is "OXM_OF_METADATA" or "metadata") { field = F.Metadata; oxm = "metadata"; }
        else if (fieldName is "NXM_OF_VLAN_TCI" or "vlan_tci") { field = F.VlanTci; oxm = "vlan_tci"; }
        else
        {
            var reg = fieldName.StartsWith("NXM_NX_REG", StringComparison.Ordinal) ? RegIndex("reg" + fieldName["NXM_NX_REG".Length..]) : RegIndex(fieldName);
            if (reg < 0) throw FlowSyntaxException.Unmodelled(item, $"load to '{fieldName}' is not modelled (registers, metadata and NXM_OF_VLAN_TCI are)");
            field = F.Regs[reg]; oxm = "reg" + reg.ToString(CultureInfo.InvariantCulture);
        }
        int lo = 0, hi = field.Bits - 1;
        if (range.Length > 0)
        {
            var dots = range.IndexOf("..", StringComparison.Ordinal);
            if (!int.TryParse(dots < 0 ? range : range[..dots], NumberStyles.None, CultureInfo.InvariantCulture, out lo)
                || !int.TryParse(dots < 0 ? range : range[(dots + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out hi) || lo > hi || hi >= field.Bits)
            {
                throw new FlowSyntaxException(item, "bad bit range in load destination");
            }
        }
        var width = hi - lo + 1;
        if (width < 64 && value >> width != 0) throw new FlowSyntaxException(item, $"value does not fit in {width} bits");
        var mask = (width == 64 ? ulong.MaxValue : ((1UL << width) - 1)) << lo;
        return new SetFieldAction(field, oxm, value << lo, mask, SetFieldStyle.Load);
    }

    /// <summary><c>resubmit:PORT</c>, or <c>resubmit(PORT,TABLE)</c> with either part empty, as OVS's parse_RESUBMIT.</summary>
    private static ResubmitAction ParseResubmit(string item, string arg)
    {
        if (!arg.Contains(','))
        {
            return new ResubmitAction(ParsePort(item, arg), null);
        }
        var parts = arg.Split(',');
        if (parts.Length > 3) throw new FlowSyntaxException(item, "resubmit expects (PORT,TABLE)");
        uint? port = null;
        byte? table = null;
        if (parts[0].Length > 0) port = ParsePort(item, parts[0]);
        if (parts[1].Length > 0) table = (byte)FlowFieldSyntax.ParseUint(parts[1], 8, "resubmit table");
        if (parts.Length > 2 && parts[2].Length > 0) throw FlowSyntaxException.Unmodelled(item, "resubmit with ct is not modelled");
        if (port is null && table is null) throw new FlowSyntaxException(item, "resubmit needs a port or a table");
        return new ResubmitAction(port, table);
    }

    /// <summary>A port to output to: OVS refuses NONE/ANY and the unnamed reserved range 0xff00-0xfff7 (OFPBAC_BAD_OUT_PORT).</summary>
    private static uint ParseOutputPort(string item, string text)
    {
        var port = ParsePort(item, text);
        if (port == OfPort.None || port is >= 0xff00 and < OfPort.InPort) throw new FlowSyntaxException(item, $"cannot output to port {OfPort.Format(port)} (OFPBAC_BAD_OUT_PORT)");
        return port;
    }

    private static uint ParsePort(string item, string text) =>
        OfPort.TryParse(text, out var p) ? p : throw new FlowSyntaxException(item, $"bad port '{text}'");

    private static int RegIndex(string name) =>
        name.Length == 4 && name.StartsWith("reg", StringComparison.Ordinal) && name[3] is >= '0' and <= '7' ? name[3] - '0' : -1;

    private static bool IsContiguous(ulong mask)
    {
        if (mask == 0) return false;
        var shifted = mask >> System.Numerics.BitOperations.TrailingZeroCount(mask);
        return (shifted & (shifted + 1)) == 0;
    }

    private static string Need(string item, string? arg) => arg ?? throw new FlowSyntaxException(item, "this action needs an argument");

    private static (string Value, string? Mask) SplitSlash(string s)
    {
        var slash = s.IndexOf('/');
        return slash < 0 ? (s, null) : (s[..slash], s[(slash + 1)..]);
    }
}
