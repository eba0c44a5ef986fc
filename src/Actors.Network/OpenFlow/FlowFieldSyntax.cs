using System.Globalization;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>What a match field needs to be meaningful, as OVS's <c>ofputil_normalize_match</c> decides.</summary>
internal enum Prereq { None, Ip, IpOrArp, Arp, L4, Icmp }

/// <summary>
/// The names OVS's flow syntax accepts and how each one's value (and optional <c>/mask</c>) is written
/// into a key and mask. Shared by rule matches and packets.
/// </summary>
internal sealed class FlowFieldSyntax
{
    private delegate void Apply(ref FlowKey key, ref FlowKey mask, string value, string? maskText);

    private readonly Apply _apply;

    private FlowFieldSyntax(string name, Prereq prereq, bool maskable, Apply apply)
    {
        Name = name; Prereq = prereq; Maskable = maskable; _apply = apply;
    }

    public string Name { get; }
    public Prereq Prereq { get; }
    public bool Maskable { get; }

    public void Set(ref FlowKey key, ref FlowKey mask, string value, string? maskText) => _apply(ref key, ref mask, value, maskText);

    public static FlowFieldSyntax? Find(string name) => Table.GetValueOrDefault(name);

    private static readonly Dictionary<string, FlowFieldSyntax> Table = Build();

    private static Dictionary<string, FlowFieldSyntax> Build()
    {
        var t = new Dictionary<string, FlowFieldSyntax>(StringComparer.Ordinal);
        void Add(Prereq p, bool maskable, Apply a, params string[] names)
        {
            foreach (var n in names) t[n] = new FlowFieldSyntax(n, p, maskable, a);
        }

        Add(Prereq.None, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            if (!OfPort.TryParse(v, out var port)) throw new FlowSyntaxException(v, "bad port number");
            k.Set(F.InPort, port); m.Exact(F.InPort);
        }, "in_port");
        Add(Prereq.None, true, Uint(F.Metadata), "metadata");
        for (var i = 0; i < 8; i++) Add(Prereq.None, true, Uint(F.Regs[i]), "reg" + i.ToString(CultureInfo.InvariantCulture));
        Add(Prereq.None, true, Mac(F.DlSrc), "dl_src", "eth_src");
        Add(Prereq.None, true, Mac(F.DlDst), "dl_dst", "eth_dst");
        Add(Prereq.None, false, Uint(F.DlType), "dl_type", "eth_type");
        Add(Prereq.None, true, Uint(F.VlanTci), "vlan_tci");
        Add(Prereq.None, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var vid = ParseUint(v, 16, "dl_vlan");
            if (vid == 0xffff) { k.Set(F.VlanTci, 0); m.Exact(F.VlanTci); return; }   // OFP_VLAN_NONE: no tag at all
            if (vid > F.VlanVidMask) throw new FlowSyntaxException(v, "VLAN ID out of range (0-4095, or 0xffff for no VLAN)");
            k.SetMasked(F.VlanTci, vid | F.VlanCfi, F.VlanVidMask | F.VlanCfi); m.Or(F.VlanTci, F.VlanVidMask | F.VlanCfi);
        }, "dl_vlan");
        Add(Prereq.None, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var pcp = ParseUint(v, 8, "dl_vlan_pcp");
            if (pcp > 7) throw new FlowSyntaxException(v, "VLAN priority out of range (0-7)");
            k.SetMasked(F.VlanTci, (pcp << 13) | F.VlanCfi, F.VlanPcpMask | F.VlanCfi); m.Or(F.VlanTci, F.VlanPcpMask | F.VlanCfi);
        }, "dl_vlan_pcp");
        Add(Prereq.IpOrArp, true, Ip(F.NwSrc), "nw_src", "ip_src");
        Add(Prereq.IpOrArp, true, Ip(F.NwDst), "nw_dst", "ip_dst");
        Add(Prereq.Arp, true, Ip(F.NwSrc), "arp_spa");
        Add(Prereq.Arp, true, Ip(F.NwDst), "arp_tpa");
        Add(Prereq.IpOrArp, false, Uint(F.NwProto), "nw_proto", "ip_proto");
        Add(Prereq.Arp, false, Uint(F.NwProto), "arp_op");
        Add(Prereq.Arp, true, Mac(F.ArpSha), "arp_sha");
        Add(Prereq.Arp, true, Mac(F.ArpTha), "arp_tha");
        Add(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var tos = ParseUint(v, 8, "nw_tos");
            if ((tos & F.IpEcnMask) != 0) throw new FlowSyntaxException(v, "nw_tos must be a multiple of 4 (it is the DSCP in ToS position)");
            k.SetMasked(F.NwTos, tos, F.IpDscpMask); m.Or(F.NwTos, F.IpDscpMask);
        }, "nw_tos");
        Add(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var dscp = ParseUint(v, 8, "ip_dscp");
            if (dscp > 63) throw new FlowSyntaxException(v, "DSCP out of range (0-63)");
            k.SetMasked(F.NwTos, dscp << 2, F.IpDscpMask); m.Or(F.NwTos, F.IpDscpMask);
        }, "ip_dscp");
        Add(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var ecn = ParseUint(v, 8, "nw_ecn");
            if (ecn > 3) throw new FlowSyntaxException(v, "ECN out of range (0-3)");
            k.SetMasked(F.NwTos, ecn, F.IpEcnMask); m.Or(F.NwTos, F.IpEcnMask);
        }, "nw_ecn", "ip_ecn");
        Add(Prereq.Ip, false, Uint(F.NwTtl), "nw_ttl");
        Add(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            (ulong val, ulong msk) = v switch
            {
                "no" => (0UL, (ulong)F.FragAny),
                "yes" => ((ulong)F.FragAny, (ulong)F.FragAny),
                "first" => ((ulong)F.FragAny, (ulong)(F.FragAny | F.FragLater)),
                "later" => ((ulong)(F.FragAny | F.FragLater), (ulong)(F.FragAny | F.FragLater)),
                "not_later" => (0UL, (ulong)F.FragLater),
                _ => throw new FlowSyntaxException(v, "nw_frag must be one of no, yes, first, later, not_later"),
            };
            k.SetMasked(F.NwFrag, val, msk); m.Or(F.NwFrag, msk);
        }, "nw_frag", "ip_frag");
        Add(Prereq.L4, true, Uint(F.TpSrc), "tp_src", "tcp_src", "udp_src", "sctp_src");
        Add(Prereq.L4, true, Uint(F.TpDst), "tp_dst", "tcp_dst", "udp_dst", "sctp_dst");
        Add(Prereq.Icmp, false, Uint8In16(F.TpSrc), "icmp_type");
        Add(Prereq.Icmp, false, Uint8In16(F.TpDst), "icmp_code");
        Add(Prereq.L4, true, TcpFlags, "tcp_flags");
        return t;
    }

    private static Apply Uint(FlowField f) => (ref FlowKey k, ref FlowKey m, string v, string? mt) =>
    {
        var value = ParseUint(v, f.Bits, f.Name);
        var mask = mt is null ? f.Ones : ParseUint(mt, f.Bits, f.Name);
        k.SetMasked(f, value, mask); m.Or(f, mask);
    };

    private static Apply Uint8In16(FlowField f) => (ref FlowKey k, ref FlowKey m, string v, string? _) =>
    {
        var value = ParseUint(v, 8, f.Name);
        k.SetMasked(f, value, 0xff); m.Or(f, 0xff);
    };

    private static Apply Mac(FlowField f) => (ref FlowKey k, ref FlowKey m, string v, string? mt) =>
    {
        var value = ParseMac(v);
        var mask = mt is null ? f.Ones : ParseMac(mt);
        k.SetMasked(f, value, mask); m.Or(f, mask);
    };

    private static Apply Ip(FlowField f) => (ref FlowKey k, ref FlowKey m, string v, string? mt) =>
    {
        var value = ParseIp(v);
        uint mask = uint.MaxValue;
        if (mt is not null)
        {
            if (mt.Contains('.')) mask = ParseIp(mt);
            else
            {
                if (!int.TryParse(mt, NumberStyles.None, CultureInfo.InvariantCulture, out var len) || len > 32) throw new FlowSyntaxException(mt, "bad IPv4 prefix length (0-32)");
                mask = len == 0 ? 0 : uint.MaxValue << (32 - len);
            }
        }
        k.SetMasked(f, value, mask); m.Or(f, mask);
    };

    private static void TcpFlags(ref FlowKey k, ref FlowKey m, string v, string? mt)
    {
        ulong value = 0, mask = 0;
        if (v.Length > 0 && (v[0] == '+' || v[0] == '-'))
        {
            string[] names = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];
            var i = 0;
            while (i < v.Length)
            {
                var sign = v[i++];
                if (sign is not ('+' or '-')) throw new FlowSyntaxException(v, "tcp_flags expects +flag/-flag items");
                var j = i;
                while (j < v.Length && v[j] is not ('+' or '-')) j++;
                var bit = Array.IndexOf(names, v[i..j]);
                if (bit < 0) throw new FlowSyntaxException(v[i..j], "unknown TCP flag");
                mask |= 1UL << bit;
                if (sign == '+') value |= 1UL << bit;
                i = j;
            }
        }
        else
        {
            value = ParseUint(v, 12, "tcp_flags");
            mask = mt is null ? 0x0fff : ParseUint(mt, 12, "tcp_flags");
        }
        k.SetMasked(F.TcpFlags, value, mask); m.Or(F.TcpFlags, mask);
    }

    public static ulong ParseUint(string s, int bits, string what)
    {
        if (!NumberParser.TryParseUInt(s, out var v)) throw new FlowSyntaxException(s, $"{what} expects a number (decimal or 0x hex)");
        if (bits < 64 && v >> bits != 0) throw new FlowSyntaxException(s, $"{what} value out of range ({bits} bits)");
        return v;
    }

    public static ulong ParseMac(string s)
    {
        var parts = s.Split(':');
        if (parts.Length != 6) throw new FlowSyntaxException(s, "bad Ethernet address (expected xx:xx:xx:xx:xx:xx)");
        ulong mac = 0;
        foreach (var p in parts)
        {
            if (p.Length is < 1 or > 2 || !byte.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)) throw new FlowSyntaxException(s, "bad Ethernet address (expected xx:xx:xx:xx:xx:xx)");
            mac = (mac << 8) | b;
        }
        return mac;
    }

    public static uint ParseIp(string s)
    {
        var parts = s.Split('.');
        if (parts.Length != 4) throw new FlowSyntaxException(s, "bad IPv4 address");
        uint ip = 0;
        foreach (var p in parts)
        {
            if (p.Length is < 1 or > 3 || !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b)) throw new FlowSyntaxException(s, "bad IPv4 address");
            ip = (ip << 8) | b;
        }
        return ip;
    }
}
