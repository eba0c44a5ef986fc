using System.Globalization;
using System.Text;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// A datapath flow's key and mask in the datapath's own syntax (lib/odp-util.c, <c>odp_flow_format</c>), as
/// <c>ovs-appctl dpctl/dump-flows</c> prints it without <c>-m</c>: <c>recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth_type(0x0800),
/// ipv4(src=10.1.0.1/255.255.0.0,proto=6,frag=no),tcp(dst=80)</c>.
/// </summary>
/// <remarks>
/// As OVS prints it: each field whose mask is zero is left out (an attribute with nothing left, such as <c>eth()</c>, too), values are
/// the key of the packet that installed the flow (not masked: <c>src=10.1.2.3/255.255.0.0</c>), a partial mask follows a slash (hex for
/// ports, ToS and ICMP, dotted for addresses). A VLAN-tagged key is <c>eth_type(TPID),vlan(...),encap(eth_type(...),...)</c>; a frame
/// without an Ethernet II type (802.3, <c>dl_type</c> below 0x600) is <c>eth_type(0/0xffff)</c>. Fields the model has no value for
/// (IPv6 addresses, flow label, MPLS labels, tunnel and conntrack metadata) are not printed; <c>-m</c>'s zero-masked fields are not either.
/// </remarks>
public static class OdpKeyFormatter
{
    private static readonly string[] TcpFlagNames = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];

    /// <param name="key">The full key of the packet whose upcall installed the flow.</param>
    /// <param name="packetType">Whether the datapath prints <c>packet_type</c> (dpif-netdev does, the kernel datapath does not).</param>
    public static string Format(in FlowKey key, in FlowKey mask, bool packetType)
    {
        var s = new StringBuilder(160);
        s.Append("recirc_id(").Append(key.Get(F.RecircId).ToString(CultureInfo.InvariantCulture)).Append("),");
        s.Append("in_port(").Append(key.Get(F.InPort).ToString(CultureInfo.InvariantCulture)).Append("),");
        if (packetType) s.Append("packet_type(ns=0,id=0),");
        var eth = new Attribute(s, "eth");
        eth.Mac("src", key.Get(F.DlSrc), mask.Get(F.DlSrc));
        eth.Mac("dst", key.Get(F.DlDst), mask.Get(F.DlDst));
        eth.End();
        var tci = (ushort)key.Get(F.VlanTci);
        var tagged = (tci & F.VlanCfi) != 0;
        if (tagged)
        {
            var tpid = (ushort)key.Get(F.VlanTpid);
            s.Append("eth_type(0x").Append((tpid == 0 ? F.EthTypeVlan : tpid).ToString("x4", CultureInfo.InvariantCulture)).Append("),");
            AppendVlan(s, tci, (ushort)mask.Get(F.VlanTci));
            s.Append("encap(");
        }
        AppendL3(s, key, mask);
        if (s[^1] == ',') s.Length--;
        if (tagged) s.Append(')');
        return s.ToString();
    }

    private static void AppendL3(StringBuilder s, in FlowKey key, in FlowKey mask)
    {
        var dlType = (ushort)key.Get(F.DlType);
        if (mask.Get(F.DlType) == 0) return;
        if (dlType < 0x600)
        {
            s.Append("eth_type(0/0xffff),");
            return;
        }
        s.Append("eth_type(0x").Append(dlType.ToString("x4", CultureInfo.InvariantCulture)).Append("),");
        var proto = (byte)key.Get(F.NwProto);
        var protoMask = (byte)mask.Get(F.NwProto);
        if (dlType is F.EthTypeIp or F.EthTypeIpv6)
        {
            var ip = new Attribute(s, dlType == F.EthTypeIp ? "ipv4" : "ipv6");
            if (dlType == F.EthTypeIp)
            {
                ip.Ip("src", (uint)key.Get(F.NwSrc), (uint)mask.Get(F.NwSrc));
                ip.Ip("dst", (uint)key.Get(F.NwDst), (uint)mask.Get(F.NwDst));
            }
            ip.Decimal("proto", proto, protoMask, 0xff);
            ip.Hex(dlType == F.EthTypeIp ? "tos" : "tclass", (byte)key.Get(F.NwTos), (byte)mask.Get(F.NwTos), 0xff);
            ip.Decimal(dlType == F.EthTypeIp ? "ttl" : "hlimit", (byte)key.Get(F.NwTtl), (byte)mask.Get(F.NwTtl), 0xff);
            ip.Frag((byte)key.Get(F.NwFrag), (byte)mask.Get(F.NwFrag));
            ip.End();
            if (protoMask == 0 || (key.Get(F.NwFrag) & F.FragLater) != 0) return;
            var (l4, icmp) = (dlType, proto) switch
            {
                (_, F.ProtoTcp) => ("tcp", false),
                (_, F.ProtoUdp) => ("udp", false),
                (_, F.ProtoSctp) => ("sctp", false),
                (F.EthTypeIp, F.ProtoIcmp) => ("icmp", true),
                (F.EthTypeIpv6, F.ProtoIcmpv6) => ("icmpv6", true),
                _ => ("", false),
            };
            if (l4.Length == 0) return;
            var ports = new Attribute(s, l4);
            if (icmp)
            {
                ports.Decimal("type", (ushort)key.Get(F.TpSrc), (ushort)mask.Get(F.TpSrc), 0xff);
                ports.Decimal("code", (ushort)key.Get(F.TpDst), (ushort)mask.Get(F.TpDst), 0xff);
            }
            else
            {
                ports.Decimal("src", (ushort)key.Get(F.TpSrc), (ushort)mask.Get(F.TpSrc), 0xffff);
                ports.Decimal("dst", (ushort)key.Get(F.TpDst), (ushort)mask.Get(F.TpDst), 0xffff);
            }
            ports.End();
            var flagsMask = (ushort)(mask.Get(F.TcpFlags) & 0x0fff);
            if (proto == F.ProtoTcp && flagsMask != 0) AppendTcpFlags(s, (ushort)(key.Get(F.TcpFlags) & 0x0fff), flagsMask);
        }
        else if (dlType is F.EthTypeArp or F.EthTypeRarp)
        {
            var arp = new Attribute(s, "arp");
            arp.Ip("sip", (uint)key.Get(F.NwSrc), (uint)mask.Get(F.NwSrc));
            arp.Ip("tip", (uint)key.Get(F.NwDst), (uint)mask.Get(F.NwDst));
            arp.Decimal("op", proto, protoMask, 0xff);
            arp.Mac("sha", key.Get(F.ArpSha), mask.Get(F.ArpSha));
            arp.Mac("tha", key.Get(F.ArpTha), mask.Get(F.ArpTha));
            arp.End();
        }
    }

    /// <summary>format_vlan_tci: the VID when it or its mask is set, the PCP likewise (so <c>pcp=5/0x0</c> can appear), cfi=0 when clear.</summary>
    private static void AppendVlan(StringBuilder s, ushort tci, ushort mask)
    {
        s.Append("vlan(");
        var start = s.Length;
        int vid = tci & F.VlanVidMask, vidMask = mask & F.VlanVidMask, pcp = tci >> 13, pcpMask = mask >> 13;
        if (vid != 0 || vidMask != 0)
        {
            s.Append("vid=").Append(vid.ToString(CultureInfo.InvariantCulture));
            if (vidMask != F.VlanVidMask) s.Append("/0x").Append(vidMask.ToString("x", CultureInfo.InvariantCulture));
            s.Append(',');
        }
        if (pcp != 0 || pcpMask != 0)
        {
            s.Append("pcp=").Append(pcp.ToString(CultureInfo.InvariantCulture));
            if (pcpMask != 7) s.Append("/0x").Append(pcpMask.ToString("x", CultureInfo.InvariantCulture));
            s.Append(',');
        }
        if ((tci & F.VlanCfi) == 0) s.Append("cfi=0,");
        if (s.Length > start && s[^1] == ',') s.Length--;
        s.Append("),");
    }

    /// <summary>tcp_flags(syn|ack) when exact, tcp_flags(+syn-ack) (a sign per masked flag) when not.</summary>
    private static void AppendTcpFlags(StringBuilder s, ushort flags, ushort mask)
    {
        s.Append("tcp_flags(");
        if (mask == 0x0fff)
        {
            var names = TcpFlagNames.Where((_, i) => (flags & (1 << i)) != 0).ToList();
            s.Append(names.Count == 0 ? "0" : string.Join('|', names));
        }
        else
            for (var i = 0; i < TcpFlagNames.Length; i++)
                if ((mask & (1 << i)) != 0) s.Append((flags & (1 << i)) != 0 ? '+' : '-').Append(TcpFlagNames[i]);
        s.Append("),");
    }

    /// <summary>One attribute, <c>name(field=value,...)</c>: written only if at least one of its fields is.</summary>
    private readonly struct Attribute
    {
        private readonly StringBuilder _s;
        private readonly int _start;

        public Attribute(StringBuilder s, string name)
        {
            _s = s;
            _start = s.Length;
            s.Append(name).Append('(');
            Open = s.Length;
        }

        private int Open { get; }

        public void Decimal(string name, ulong value, ulong mask, ulong ones)
        {
            if (mask == 0) return;
            _s.Append(name).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));
            if (mask != ones) _s.Append('/').Append(MatchFormatter.HexC(mask));
            _s.Append(',');
        }

        public void Hex(string name, ulong value, ulong mask, ulong ones)
        {
            if (mask == 0) return;
            _s.Append(name).Append('=').Append(MatchFormatter.HexC(value));
            if (mask != ones) _s.Append('/').Append(MatchFormatter.HexC(mask));
            _s.Append(',');
        }

        public void Ip(string name, uint value, uint mask)
        {
            if (mask == 0) return;
            _s.Append(name).Append('=').Append(MatchFormatter.FormatIp(value));
            if (mask != uint.MaxValue) _s.Append('/').Append(MatchFormatter.FormatIp(mask));
            _s.Append(',');
        }

        public void Mac(string name, ulong value, ulong mask)
        {
            if (mask == 0) return;
            _s.Append(name).Append('=').Append(MatchFormatter.FormatMac(value));
            if (mask != 0xffff_ffff_ffffUL) _s.Append('/').Append(MatchFormatter.FormatMac(mask));
            _s.Append(',');
        }

        /// <summary>frag=no|first|later, as the datapath keeps it (OVS_FRAG_TYPE_*).</summary>
        public void Frag(byte frag, byte mask)
        {
            if ((mask & F.FragMask) == 0) return;
            _s.Append("frag=").Append((frag & F.FragAny) == 0 ? "no" : (frag & F.FragLater) == 0 ? "first" : "later").Append(',');
        }

        /// <summary>Closes the attribute, or takes it back when no field was written.</summary>
        public void End()
        {
            if (_s.Length == Open)
            {
                _s.Length = _start;
                return;
            }
            _s.Length--;
            _s.Append("),");
        }
    }
}
