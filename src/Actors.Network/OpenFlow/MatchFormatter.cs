using System.Globalization;
using System.Text;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// Prints a match (value + mask) in OVS's own syntax, following <c>match_format</c> in OVS's
/// lib/match.c: the same field order, the <c>eth</c>/<c>ip</c>/<c>tcp</c>... shorthands, CIDR or
/// dotted masks for IPv4, <c>0xV/0xM</c> for partially masked ports, and the VLAN printing rules.
/// A megaflow is recognised, as in OVS, by a significant <c>recirc_id</c>, which also prints <c>eth</c>.
/// </summary>
public static class MatchFormatter
{
    private static readonly string[] TcpFlagNames = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];

    public static string Format(in FlowKey value, in FlowKey mask)
    {
        var f = value.And(mask);
        var sb = new StringBuilder(96);
        AppendMatch(sb, f, mask);
        return sb.ToString();
    }

    /// <summary>A packet as <c>flow_format</c> prints it ("Flow:" and "Final flow:" lines of ofproto/trace).</summary>
    public static string FormatFlow(in FlowKey flow) => Format(flow, PacketMask(flow));

    /// <summary>The mask <c>flow_format</c> uses: every field the packet carries, minus zero-valued metadata.</summary>
    public static FlowKey PacketMask(in FlowKey flow)
    {
        var wc = new FlowKey();
        if (flow.Get(F.InPort) != 0) wc.Exact(F.InPort);
        if (flow.Get(F.Metadata) != 0) wc.Exact(F.Metadata);
        foreach (var r in F.Regs) if (flow.Get(r) != 0) wc.Exact(r);
        wc.Exact(F.DlDst); wc.Exact(F.DlSrc); wc.Exact(F.DlType);
        wc.Exact(F.VlanTci);
        if (flow.Get(F.VlanTci) != 0) wc.Exact(F.VlanTci1);
        var dlType = (ushort)flow.Get(F.DlType);
        if (F.IsIpAny(dlType))
        {
            if (dlType == F.EthTypeIp) { wc.Exact(F.NwSrc); wc.Exact(F.NwDst); }
            wc.Or(F.NwFrag, F.FragMask); wc.Exact(F.NwTos); wc.Exact(F.NwTtl); wc.Exact(F.NwProto);
            var proto = (byte)flow.Get(F.NwProto);
            if ((flow.Get(F.NwFrag) & F.FragLater) == 0 && proto is F.ProtoIcmp or F.ProtoIcmpv6 or F.ProtoTcp or F.ProtoUdp or F.ProtoSctp or 2)
            {
                wc.Exact(F.TpSrc); wc.Exact(F.TpDst);
                if (proto == F.ProtoTcp) wc.Exact(F.TcpFlags);
            }
        }
        else if (dlType is F.EthTypeArp or F.EthTypeRarp)
        {
            wc.Exact(F.NwSrc); wc.Exact(F.NwDst); wc.Exact(F.NwProto); wc.Exact(F.ArpSha); wc.Exact(F.ArpTha);
        }
        return wc;
    }

    private static void AppendMatch(StringBuilder s, in FlowKey f, in FlowKey wc)
    {
        var isMegaflow = wc.Get(F.RecircId) != 0;
        if (isMegaflow)
        {
            AppendUInt32Masked(s, "recirc_id", (uint)f.Get(F.RecircId), (uint)wc.Get(F.RecircId));
            s.Append("eth,");
        }

        var dlType = (ushort)f.Get(F.DlType);
        var skipType = false;
        var skipProto = false;
        var protoMasked = wc.Get(F.NwProto) != 0;
        var proto = (byte)f.Get(F.NwProto);
        if (wc.Get(F.DlType) != 0)
        {
            skipType = true;
            if (dlType == F.EthTypeIp)
            {
                if (protoMasked)
                {
                    skipProto = true;
                    switch (proto)
                    {
                        case F.ProtoIcmp: s.Append("icmp,"); break;
                        case F.ProtoTcp: s.Append("tcp,"); break;
                        case F.ProtoUdp: s.Append("udp,"); break;
                        case F.ProtoSctp: s.Append("sctp,"); break;
                        default: s.Append("ip,"); skipProto = false; break;
                    }
                }
                else s.Append("ip,");
            }
            else if (dlType == F.EthTypeIpv6)
            {
                if (protoMasked)
                {
                    skipProto = true;
                    switch (proto)
                    {
                        case F.ProtoIcmpv6: s.Append("icmp6,"); break;
                        case F.ProtoTcp: s.Append("tcp6,"); break;
                        case F.ProtoUdp: s.Append("udp6,"); break;
                        case F.ProtoSctp: s.Append("sctp6,"); break;
                        default: s.Append("ipv6,"); skipProto = false; break;
                    }
                }
                else s.Append("ipv6,");
            }
            else if (dlType == F.EthTypeArp) s.Append("arp,");
            else if (dlType == F.EthTypeRarp) s.Append("rarp,");
            else if (dlType == 0x8847) s.Append("mpls,");
            else if (dlType == 0x8848) s.Append("mplsm,");
            else skipType = false;
        }

        for (var i = 0; i < F.Regs.Length; i++)
        {
            AppendUInt32Masked(s, "reg" + i.ToString(CultureInfo.InvariantCulture), (uint)f.Get(F.Regs[i]), (uint)wc.Get(F.Regs[i]));
        }
        var md = wc.Get(F.Metadata);
        if (md != 0)
        {
            s.Append("metadata=").Append(HexC(f.Get(F.Metadata)));
            if (md != ulong.MaxValue) s.Append('/').Append(HexC(md));
            s.Append(',');
        }
        if (wc.Get(F.InPort) != 0) s.Append("in_port=").Append(OfPort.Format((uint)f.Get(F.InPort))).Append(',');

        AppendVlan(s, "", (ushort)f.Get(F.VlanTci), (ushort)wc.Get(F.VlanTci), out var more);
        if (more) AppendVlan(s, "1", (ushort)f.Get(F.VlanTci1), (ushort)wc.Get(F.VlanTci1), out _);

        AppendEthMasked(s, "dl_src", f.Get(F.DlSrc), wc.Get(F.DlSrc));
        AppendEthMasked(s, "dl_dst", f.Get(F.DlDst), wc.Get(F.DlDst));
        if (!skipType && wc.Get(F.DlType) != 0) s.Append("dl_type=0x").Append(dlType.ToString("x4", CultureInfo.InvariantCulture)).Append(',');

        var isArp = dlType is F.EthTypeArp or F.EthTypeRarp;
        if (dlType != F.EthTypeIpv6)     // IPv6 addresses are not modelled, so there is nothing to print for them
        {
            AppendIpMasked(s, isArp ? "arp_spa" : "nw_src", (uint)f.Get(F.NwSrc), (uint)wc.Get(F.NwSrc));
            AppendIpMasked(s, isArp ? "arp_tpa" : "nw_dst", (uint)f.Get(F.NwDst), (uint)wc.Get(F.NwDst));
        }
        if (!skipProto && protoMasked) s.Append(isArp ? "arp_op=" : "nw_proto=").Append(proto.ToString(CultureInfo.InvariantCulture)).Append(',');
        if (isArp)
        {
            AppendEthMasked(s, "arp_sha", f.Get(F.ArpSha), wc.Get(F.ArpSha));
            AppendEthMasked(s, "arp_tha", f.Get(F.ArpTha), wc.Get(F.ArpTha));
        }
        var tosMask = wc.Get(F.NwTos);
        var tos = f.Get(F.NwTos);
        if ((tosMask & F.IpDscpMask) != 0) s.Append("nw_tos=").Append((tos & F.IpDscpMask).ToString(CultureInfo.InvariantCulture)).Append(',');
        if ((tosMask & F.IpEcnMask) != 0) s.Append("nw_ecn=").Append((tos & F.IpEcnMask).ToString(CultureInfo.InvariantCulture)).Append(',');
        if (wc.Get(F.NwTtl) != 0) s.Append("nw_ttl=").Append(f.Get(F.NwTtl).ToString(CultureInfo.InvariantCulture)).Append(',');

        var frag = f.Get(F.NwFrag);
        switch (wc.Get(F.NwFrag) & F.FragMask)
        {
            case F.FragAny | F.FragLater:
                s.Append("nw_frag=").Append((frag & F.FragAny) != 0 ? ((frag & F.FragLater) != 0 ? "later" : "first") : ((frag & F.FragLater) != 0 ? "<error>" : "no")).Append(',');
                break;
            case F.FragAny: s.Append("nw_frag=").Append((frag & F.FragAny) != 0 ? "yes" : "no").Append(','); break;
            case F.FragLater: s.Append("nw_frag=").Append((frag & F.FragLater) != 0 ? "later" : "not_later").Append(','); break;
        }

        var icmp = (dlType == F.EthTypeIp && proto == F.ProtoIcmp) || (dlType == F.EthTypeIpv6 && proto == F.ProtoIcmpv6);
        AppendBe16Masked(s, icmp ? "icmp_type" : "tp_src", (ushort)f.Get(F.TpSrc), (ushort)wc.Get(F.TpSrc));
        AppendBe16Masked(s, icmp ? "icmp_code" : "tp_dst", (ushort)f.Get(F.TpDst), (ushort)wc.Get(F.TpDst));
        var flagsMask = (ushort)(wc.Get(F.TcpFlags) & 0x0fff);
        if (F.IsIpAny(dlType) && proto == F.ProtoTcp && flagsMask != 0) AppendTcpFlags(s, (ushort)f.Get(F.TcpFlags), flagsMask);

        if (s.Length > 0 && s[^1] == ',') s.Length--;
    }

    private static void AppendVlan(StringBuilder s, string suffix, ushort tci, ushort mask, out bool printed)
    {
        printed = mask != 0;
        if (!printed) return;
        var vidMask = mask & F.VlanVidMask;
        var pcpMask = mask & F.VlanPcpMask;
        var cfi = mask & F.VlanCfi;
        if (cfi != 0 && (tci & F.VlanCfi) != 0 && (vidMask == 0 || vidMask == F.VlanVidMask)
            && (pcpMask == 0 || pcpMask == F.VlanPcpMask) && (vidMask != 0 || pcpMask != 0))
        {
            if (vidMask != 0) s.Append("dl_vlan").Append(suffix).Append('=').Append((tci & F.VlanVidMask).ToString(CultureInfo.InvariantCulture)).Append(',');
            if (pcpMask != 0) s.Append("dl_vlan_pcp").Append(suffix).Append('=').Append((tci >> 13).ToString(CultureInfo.InvariantCulture)).Append(',');
        }
        else if (mask == 0xffff) s.Append("vlan_tci").Append(suffix).Append("=0x").Append(tci.ToString("x4", CultureInfo.InvariantCulture)).Append(',');
        else s.Append("vlan_tci").Append(suffix).Append("=0x").Append(tci.ToString("x4", CultureInfo.InvariantCulture)).Append("/0x").Append(mask.ToString("x4", CultureInfo.InvariantCulture)).Append(',');
    }

    private static void AppendUInt32Masked(StringBuilder s, string name, uint value, uint mask)
    {
        if (mask == 0) return;
        s.Append(name).Append('=').Append(HexC(value));
        if (mask != uint.MaxValue) s.Append('/').Append(HexC(mask));
        s.Append(',');
    }

    private static void AppendBe16Masked(StringBuilder s, string name, ushort value, ushort mask)
    {
        if (mask == 0) return;
        s.Append(name).Append('=');
        if (mask == 0xffff) s.Append(value.ToString(CultureInfo.InvariantCulture));
        else s.Append("0x").Append(value.ToString("x", CultureInfo.InvariantCulture)).Append("/0x").Append(mask.ToString("x", CultureInfo.InvariantCulture));
        s.Append(',');
    }

    private static void AppendEthMasked(StringBuilder s, string name, ulong mac, ulong mask)
    {
        if (mask == 0) return;
        s.Append(name).Append('=').Append(FormatMac(mac));
        if (mask != 0xffff_ffff_ffffUL) s.Append('/').Append(FormatMac(mask));
        s.Append(',');
    }

    private static void AppendIpMasked(StringBuilder s, string name, uint ip, uint mask)
    {
        if (mask == 0) return;
        s.Append(name).Append('=').Append(FormatIp(ip));
        if (mask != uint.MaxValue)
        {
            var len = System.Numerics.BitOperations.LeadingZeroCount(~mask);
            if (mask == (len == 0 ? 0u : uint.MaxValue << (32 - len))) s.Append('/').Append(len.ToString(CultureInfo.InvariantCulture));
            else s.Append('/').Append(FormatIp(mask));
        }
        s.Append(',');
    }

    private static void AppendTcpFlags(StringBuilder s, ushort flags, ushort mask)
    {
        s.Append("tcp_flags=");
        if (mask == 0x0fff)
        {
            var any = false;
            for (var b = 0; b < TcpFlagNames.Length; b++)
            {
                if ((flags & (1 << b)) == 0) continue;
                if (any) s.Append('|');
                s.Append(TcpFlagNames[b]);
                any = true;
            }
            if (!any) s.Append('0');
        }
        else
        {
            for (var b = 0; b < TcpFlagNames.Length; b++)
            {
                if ((mask & (1 << b)) == 0) continue;
                s.Append((flags & (1 << b)) != 0 ? '+' : '-').Append(TcpFlagNames[b]);
            }
        }
        s.Append(',');
    }

    /// <summary>C's <c>%#x</c>: "0" for zero, "0x..." otherwise.</summary>
    public static string HexC(ulong v) => v == 0 ? "0" : "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    public static string FormatMac(ulong mac)
    {
        Span<char> buf = stackalloc char[17];
        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(mac >> (40 - 8 * i));
            buf[i * 3] = Hex(b >> 4);
            buf[i * 3 + 1] = Hex(b & 0xf);
            if (i < 5) buf[i * 3 + 2] = ':';
        }
        return new string(buf);
    }

    public static string FormatIp(uint ip) =>
        string.Create(CultureInfo.InvariantCulture, $"{ip >> 24}.{(ip >> 16) & 0xff}.{(ip >> 8) & 0xff}.{ip & 0xff}");

    private static char Hex(int n) => (char)(n < 10 ? '0' + n : 'a' + n - 10);
}
