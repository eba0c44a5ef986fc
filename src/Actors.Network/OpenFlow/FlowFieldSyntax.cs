using System.Globalization;
using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>What a match field needs to be meaningful, as OVS's <c>ofputil_normalize_match</c> decides.</summary>
internal enum Prereq { None, Ip, IpOrArp, Arp, L4, Icmp, IpOrArpProto }

/// <summary>
/// The names OVS's flow syntax accepts and how each one's value (and optional <c>/mask</c>) is written
/// into a key and mask. Shared by rule matches and packets.
/// </summary>
internal sealed class FlowFieldSyntax
{
    private delegate void Apply(ref FlowKey key, ref FlowKey mask, string value, string? maskText);

    private readonly Apply _apply;

    private FlowFieldSyntax(string name, Prereq prereq, bool maskable, Apply apply, FlowField footprintField, ulong footprintBits)
    {
        Name = name; Prereq = prereq; Maskable = maskable; _apply = apply;
        var footprint = new FlowKey();
        footprint.Or(footprintField, footprintBits);
        Footprint = footprint;
    }

    /// <summary>The bits this name writes: giving the field again replaces all of them, as OVS's mf_set does.</summary>
    public FlowKey Footprint { get; }

    public string Name { get; }
    public Prereq Prereq { get; }
    public bool Maskable { get; }

    public void Set(ref FlowKey key, ref FlowKey mask, string value, string? maskText) => _apply(ref key, ref mask, value, maskText);

    public static FlowFieldSyntax? Find(string name) => Table.GetValueOrDefault(name);

    private static readonly Dictionary<string, FlowFieldSyntax> Table = Build();

    private static Dictionary<string, FlowFieldSyntax> Build()
    {
        var t = new Dictionary<string, FlowFieldSyntax>(StringComparer.Ordinal);
        void Add(Prereq p, bool maskable, Apply a, params string[] names) => AddCovering(p, maskable, a, null, 0, names);
        void AddCovering(Prereq p, bool maskable, Apply a, FlowField? field, ulong bits, params string[] names)
        {
            foreach (var n in names)
            {
                // Without an explicit footprint, the footprint is what the item writes with every bit given.
                FlowField f;
                ulong b;
                if (field is not null) { f = field; b = bits; }
                else (f, b) = Probe(a);
                t[n] = new FlowFieldSyntax(n, p, maskable, a, f, b);
            }
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
        AddCovering(Prereq.None, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var vid = ParseUint(v, 16, "dl_vlan");
            if (vid == 0xffff) { k.Set(F.VlanTci, 0); m.Exact(F.VlanTci); return; }   // OFP_VLAN_NONE: no tag at all
            if (vid > F.VlanVidMask) throw new FlowSyntaxException(v, "VLAN ID out of range (0-4095, or 0xffff for no VLAN)");
            k.SetMasked(F.VlanTci, vid | F.VlanCfi, F.VlanVidMask | F.VlanCfi); m.Or(F.VlanTci, F.VlanVidMask | F.VlanCfi);
        }, F.VlanTci, F.VlanVidMask | F.VlanCfi, "dl_vlan");
        AddCovering(Prereq.None, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var pcp = ParseUint(v, 8, "dl_vlan_pcp");
            if (pcp > 7) throw new FlowSyntaxException(v, "VLAN priority out of range (0-7)");
            k.SetMasked(F.VlanTci, (pcp << 13) | F.VlanCfi, F.VlanPcpMask | F.VlanCfi); m.Or(F.VlanTci, F.VlanPcpMask | F.VlanCfi);
        }, F.VlanTci, F.VlanPcpMask | F.VlanCfi, "dl_vlan_pcp");
        // OpenFlow 1.2+ VLAN fields: vlan_vid is VID plus the "present" bit 0x1000 (OVS's CFI), maskable.
        AddCovering(Prereq.None, true, (ref FlowKey k, ref FlowKey m, string v, string? mt) =>
        {
            var vid = ParseUint(v, 13, "vlan_vid");
            var mask = mt is null ? 0x1fffUL : ParseUint(mt, 13, "vlan_vid");
            k.SetMasked(F.VlanTci, vid, mask); m.Or(F.VlanTci, mask);
        }, F.VlanTci, F.VlanVidMask | F.VlanCfi, "vlan_vid");
        AddCovering(Prereq.None, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var pcp = ParseUint(v, 3, "vlan_pcp");
            k.SetMasked(F.VlanTci, (pcp << 13) | F.VlanCfi, F.VlanPcpMask | F.VlanCfi); m.Or(F.VlanTci, F.VlanPcpMask | F.VlanCfi);
        }, F.VlanTci, F.VlanPcpMask | F.VlanCfi, "vlan_pcp");
        Add(Prereq.IpOrArp, true, Ip(F.NwSrc), "nw_src", "ip_src");
        Add(Prereq.IpOrArp, true, Ip(F.NwDst), "nw_dst", "ip_dst");
        Add(Prereq.Arp, true, Ip(F.NwSrc), "arp_spa");
        Add(Prereq.Arp, true, Ip(F.NwDst), "arp_tpa");
        Add(Prereq.IpOrArpProto, false, Uint(F.NwProto), "nw_proto", "ip_proto");
        AddCovering(Prereq.Arp, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            // OVS's arp_op is a 16-bit field stored in 8 bits: it would install arp_op=256 as arp_op=0.
            var op = ParseUint(v, 16, "arp_op");
            if (op > 0xff) throw FlowSyntaxException.OvsWouldChange(v, "arp_op out of range (0-255; OVS would keep only the low 8 bits)");
            k.Set(F.NwProto, op); m.Exact(F.NwProto);
        }, F.NwProto, F.NwProto.Ones, "arp_op");
        Add(Prereq.Arp, true, Mac(F.ArpSha), "arp_sha");
        Add(Prereq.Arp, true, Mac(F.ArpTha), "arp_tha");
        AddCovering(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var tos = ParseUint(v, 8, "nw_tos");
            if ((tos & F.IpEcnMask) != 0) throw FlowSyntaxException.OvsWouldChange(v, "nw_tos must be a multiple of 4 (it is the DSCP in ToS position; OVS would clear the low 2 bits)");
            k.SetMasked(F.NwTos, tos, F.IpDscpMask); m.Or(F.NwTos, F.IpDscpMask);
        }, F.NwTos, F.IpDscpMask, "nw_tos");
        AddCovering(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var dscp = ParseUint(v, 8, "ip_dscp");
            if (dscp > 63) throw new FlowSyntaxException(v, "DSCP out of range (0-63)");
            k.SetMasked(F.NwTos, dscp << 2, F.IpDscpMask); m.Or(F.NwTos, F.IpDscpMask);
        }, F.NwTos, F.IpDscpMask, "ip_dscp");
        AddCovering(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
        {
            var ecn = ParseUint(v, 8, "nw_ecn");
            if (ecn > 3) throw FlowSyntaxException.OvsWouldChange(v, "ECN out of range (0-3; OVS would keep only the low 2 bits)");
            k.SetMasked(F.NwTos, ecn, F.IpEcnMask); m.Or(F.NwTos, F.IpEcnMask);
        }, F.NwTos, F.IpEcnMask, "nw_ecn", "ip_ecn");
        Add(Prereq.Ip, false, Uint(F.NwTtl), "nw_ttl");
        AddCovering(Prereq.Ip, false, (ref FlowKey k, ref FlowKey m, string v, string? _) =>
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
        }, F.NwFrag, F.FragMask, "nw_frag", "ip_frag");
        Add(Prereq.L4, true, Uint(F.TpSrc), "tp_src", "tcp_src", "udp_src", "sctp_src");
        Add(Prereq.L4, true, Uint(F.TpDst), "tp_dst", "tcp_dst", "udp_dst", "sctp_dst");
        Add(Prereq.Icmp, false, Uint8In16(F.TpSrc), "icmp_type");
        Add(Prereq.Icmp, false, Uint8In16(F.TpDst), "icmp_code");
        Add(Prereq.L4, true, TcpFlags, "tcp_flags");
        return t;
    }

    /// <summary>The bits an item writes when given its widest value and mask.</summary>
    private static (FlowField, ulong) Probe(Apply a)
    {
        foreach (var value in new[] { "0xffffffffffffffff", "0xffffffff", "0xffff", "0xfff", "0xff", "7", "ff:ff:ff:ff:ff:ff", "255.255.255.255", "1" })
        {
            try
            {
                var k = new FlowKey();
                var m = new FlowKey();
                a(ref k, ref m, value, null);
                for (var w = 0; w < FlowKey.WordCount; w++)
                {
                    if (m[w] == 0) continue;
                    foreach (var f in AllFields) if (f.Word == w && (m.Get(f) != 0)) return (f, f.Ones);
                }
            }
            catch (FlowSyntaxException)
            {
            }
        }
        throw new InvalidOperationException("field syntax writes nothing");
    }

    // A property, not a field: it is needed while the static field initializers are still running.
    private static FlowField[] AllFields =>
    [
        F.Metadata, .. F.Regs, F.InPort, F.RecircId, F.DlDst, F.DlType, F.DlSrc, F.VlanTci, F.VlanTci1, F.NwSrc, F.NwDst,
        F.NwFrag, F.NwTos, F.NwTtl, F.NwProto, F.ArpSha, F.TcpFlags, F.ArpTha, F.TpSrc, F.TpDst,
    ];

    private static Apply Uint(FlowField f) => (ref FlowKey k, ref FlowKey m, string v, string? mt) =>
    {
        var value = ParseUint(v, f.Bits, f.Name);
        var mask = mt is null ? f.Ones : ParseUint(mt, f.Bits, f.Name);
        k.SetMasked(f, value, mask); m.Or(f, mask);
    };

    /// <summary>ICMP type/code: an 8-bit value stored in tp_src/tp_dst whose match, as OVS's match_set_icmp_type, masks all 16 bits.</summary>
    private static Apply Uint8In16(FlowField f) => (ref FlowKey k, ref FlowKey m, string v, string? _) =>
    {
        var value = ParseUint(v, 8, f.Name);
        k.Set(f, value); m.Exact(f);
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
            // OVS reads each octet with "%hhx": longer hex runs are accepted and truncated (400 -> 00); DcSim refuses them.
            if (p.Length > 2 && p.All(char.IsAsciiHexDigit)) throw FlowSyntaxException.OvsWouldChange(s, $"bad Ethernet address: octet '{p}' has more than 2 hex digits (OVS would keep only its last 2)");
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
