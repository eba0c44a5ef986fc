using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// Parses OVS flow syntax (<c>in_port=1,tcp,nw_src=10.0.0.0/8,tp_dst=0x50/0xfff0,...</c>).
/// </summary>
/// <remarks>
/// Rules and packets differ exactly as they do in OVS. A rule (<c>ovs-ofctl add-flows</c>) may list its
/// fields in any order and may mask them; a field whose prerequisites are missing (e.g. <c>tp_dst=80</c>
/// without <c>tcp</c>) is dropped from the match, as OVS's normalization does, and reported as a
/// warning. A packet (<c>ofproto/trace</c>) must give each field's prerequisites before it
/// (<c>tcp,tp_dst=80</c>), may not mask, and an unmet prerequisite is an error.
/// </remarks>
public static class FlowParser
{
    private static readonly Dictionary<string, (ushort DlType, byte Proto)> Shorthands = new(StringComparer.Ordinal)
    {
        ["ip"] = (F.EthTypeIp, 0), ["icmp"] = (F.EthTypeIp, F.ProtoIcmp), ["tcp"] = (F.EthTypeIp, F.ProtoTcp),
        ["udp"] = (F.EthTypeIp, F.ProtoUdp), ["sctp"] = (F.EthTypeIp, F.ProtoSctp), ["arp"] = (F.EthTypeArp, 0),
        ["rarp"] = (F.EthTypeRarp, 0), ["ipv6"] = (F.EthTypeIpv6, 0), ["tcp6"] = (F.EthTypeIpv6, F.ProtoTcp),
        ["udp6"] = (F.EthTypeIpv6, F.ProtoUdp), ["sctp6"] = (F.EthTypeIpv6, F.ProtoSctp), ["icmp6"] = (F.EthTypeIpv6, F.ProtoIcmpv6),
    };

    /// <summary>IPv6 addresses are not modelled: a packet may give them (they are checked and ignored), a rule may not match on them.</summary>
    private static readonly HashSet<string> Ipv6PacketOnly = new(StringComparer.Ordinal) { "ipv6_src", "ipv6_dst", "ipv6_label" };

    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "mpls", "mplsm", "ipv6_src", "ipv6_dst", "ipv6_label", "nd_target",
        "tun_id", "tun_src", "tun_dst", "ct_state", "ct_zone", "ct_mark", "ct_label", "pkt_mark", "skb_priority", "conj_id",
        "mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl", "actset_output", "packet_type", "dp_hash", "recirc_id",
    };

    /// <summary>The items of an OVS key=value list, as written (see <see cref="FlowTokenizer"/>).</summary>
    public static List<string> SplitItems(string text) => FlowTokenizer.Split(text).ConvertAll(i => i.Text);

    /// <summary>Parses the match part of a rule. <paramref name="warnings"/> receives one entry per field OVS would drop.</summary>
    public static FlowMatch ParseMatch(IEnumerable<FlowItem> items, List<(string Token, string Message)> warnings)
    {
        var key = new FlowKey();
        var mask = new FlowKey();
        var set = new List<(string Token, FlowFieldSyntax Field, FlowKey Bits)>();
        foreach (var (name, value, item) in items)
        {
            // As in OVS, a shorthand is recognised by its name alone (OVS ignores a value given to it).
            if (Shorthands.TryGetValue(name, out var sh))
            {
                key.Set(F.DlType, sh.DlType); mask.Exact(F.DlType);
                if (sh.Proto != 0) { key.Set(F.NwProto, sh.Proto); mask.Exact(F.NwProto); }
                continue;
            }
            if (Unsupported.Contains(name)) throw FlowSyntaxException.Unmodelled(item, $"field '{name}' is not modelled by DcSim");
            var field = FlowFieldSyntax.Find(name) ?? throw FlowSyntaxException.Unmodelled(item, $"unknown field '{name}'");
            if (string.IsNullOrEmpty(value))
            {
                // OVS reads a field without a value as "0/0": a wildcard that undoes an earlier setting, refused where "0"
                // is no value of the field (MAC and IP addresses, nw_frag) and for in_port, which has no wildcard form.
                if (name == "in_port") throw new FlowSyntaxException(item, "in_port needs a port number");
                var (probeKey, probeMask) = (new FlowKey(), new FlowKey());
                try
                {
                    field.Set(ref probeKey, ref probeMask, "0", null);
                }
                catch (FlowSyntaxException ex)
                {
                    throw new FlowSyntaxException(item, $"{ex.Message} (a field without a value means 0/0)", ex.Refusal);
                }
                for (var w = 0; w < FlowKey.WordCount; w++) { mask[w] &= ~field.Footprint[w]; key[w] &= ~field.Footprint[w]; }
                continue;
            }
            var (v, m) = SplitMask(value);
            if (m is not null && !field.Maskable) throw new FlowSyntaxException(item, $"field '{name}' cannot be masked");
            // A field given again replaces what it covers, as OVS's mf_set does.
            var itemKey = new FlowKey();
            var bits = new FlowKey();
            Set(field, ref itemKey, ref bits, v, m, item);
            for (var w = 0; w < FlowKey.WordCount; w++)
            {
                var clear = field.Footprint[w] | bits[w];
                mask[w] = (mask[w] & ~clear) | bits[w];
                key[w] = (key[w] & ~clear) | (itemKey[w] & bits[w]);
            }
            set.Add((item, field, bits));
        }
        // Normalization: drop what the (now complete) match cannot carry, as OVS does for OpenFlow 1.0/NXM.
        foreach (var (token, field, bits) in set)
        {
            // OVS normalises by the flow field written: icmp_type/icmp_code live in tp_src/tp_dst, which any transport protocol keeps.
            var prereq = field.Prereq == Prereq.Icmp ? Prereq.L4 : field.Prereq;
            if (PrereqOk(prereq, key, mask)) continue;
            for (var w = 0; w < FlowKey.WordCount; w++) { mask[w] &= ~bits[w]; key[w] &= ~bits[w]; }
            warnings.Add((token, $"prerequisites not met ({Describe(prereq)}); OVS drops this field from the match"));
        }
        return new FlowMatch(key, mask);
    }

    public static FlowMatch ParseMatch(string text, List<(string Token, string Message)> warnings) => ParseMatch(FlowTokenizer.Split(text), warnings);

    /// <summary>Parses a packet as <c>ofproto/trace</c> does: unspecified fields are zero.</summary>
    public static FlowKey ParsePacket(string text)
    {
        var key = new FlowKey();
        var given = new FlowKey();
        var dlTypeSet = false;
        foreach (var (name, value, item) in FlowTokenizer.Split(text))
        {
            if (Shorthands.TryGetValue(name, out var sh))
            {
                if (dlTypeSet) throw new FlowSyntaxException(item, "Ethernet type set multiple times");
                key.Set(F.DlType, sh.DlType); given.Exact(F.DlType); dlTypeSet = true;
                if (sh.Proto != 0) { key.Set(F.NwProto, sh.Proto); given.Exact(F.NwProto); }
                continue;
            }
            if (Ipv6PacketOnly.Contains(name) && value is not null)
            {
                if ((ushort)key.Get(F.DlType) != F.EthTypeIpv6) throw new FlowSyntaxException(item, $"prerequisites not met for setting {name} (needs ipv6 before it)");
                if (name != "ipv6_label" && !System.Net.IPAddress.TryParse(value, out _)) throw new FlowSyntaxException(item, "bad IPv6 address");
                continue;
            }
            if (Unsupported.Contains(name)) throw FlowSyntaxException.Unmodelled(item, $"field '{name}' is not modelled by DcSim");
            var field = FlowFieldSyntax.Find(name) ?? throw FlowSyntaxException.Unmodelled(item, $"unknown field '{name}'");
            if (value is null) throw new FlowSyntaxException(item, $"field '{name}' needs a value ({name}=VALUE)");
            if (!PacketPrereqOk(name, field.Prereq, key)) throw new FlowSyntaxException(item, $"prerequisites not met for setting {name} ({PacketNeeds(name, field.Prereq)})");
            var (v, m) = SplitMask(value);
            if (m is not null) throw new FlowSyntaxException(item, "a packet cannot be masked");
            if (name == "dl_type") dlTypeSet = true;
            var mask = new FlowKey();
            Set(field, ref key, ref mask, v, null, item);
            if (name == "dl_vlan" && key.Get(F.VlanTci) == 0) continue;
            if (!given.And(mask).IsZero() && name is not ("dl_vlan" or "dl_vlan_pcp" or "nw_tos" or "nw_ecn" or "ip_dscp" or "ip_ecn"))
            {
                throw new FlowSyntaxException(item, $"field {name} set multiple times");
            }
            given.OrWith(mask);
        }
        // Port 0 is no port: ofproto/trace reads a packet without in_port, or with in_port=0, as coming from NONE ("in_port=ANY").
        if (key.Get(F.InPort) == 0) key.Set(F.InPort, OfPort.None);
        // A tag given by dl_vlan/dl_vlan_pcp/vlan_tci is an 802.1Q tag.
        if ((key.Get(F.VlanTci) & F.VlanCfi) != 0) key.Set(F.VlanTpid, F.EthTypeVlan);
        return key;
    }

    /// <summary>Sets a field; an error about an empty value (<c>in_port=</c>) names the whole item, so every error has a token.</summary>
    private static void Set(FlowFieldSyntax field, ref FlowKey key, ref FlowKey mask, string value, string? maskText, string item)
    {
        try
        {
            field.Set(ref key, ref mask, value, maskText);
        }
        catch (FlowSyntaxException ex) when (ex.Token.Length == 0)
        {
            throw new FlowSyntaxException(item, ex.Message, ex.Refusal);
        }
    }

    internal static bool PrereqOk(Prereq p, in FlowKey key, in FlowKey mask)
    {
        var dlTypeKnown = mask.Get(F.DlType) == F.DlType.Ones;
        var dlType = dlTypeKnown ? (ushort)key.Get(F.DlType) : (ushort)0;
        var proto = mask.Get(F.NwProto) == 0xff ? (byte)key.Get(F.NwProto) : (byte)0;
        return p switch
        {
            Prereq.None => true,
            Prereq.Ip => F.IsIpAny(dlType),
            Prereq.IpOrArp => dlType is F.EthTypeIp or F.EthTypeArp or F.EthTypeRarp,
            Prereq.Arp => dlType is F.EthTypeArp or F.EthTypeRarp,
            Prereq.L4 => (dlType == F.EthTypeIp && proto is F.ProtoTcp or F.ProtoUdp or F.ProtoSctp or F.ProtoIcmp)
                         || (dlType == F.EthTypeIpv6 && proto is F.ProtoTcp or F.ProtoUdp or F.ProtoSctp or F.ProtoIcmpv6),
            Prereq.Icmp => dlType == F.EthTypeIp && proto == F.ProtoIcmp,
            Prereq.IpOrArpProto => F.IsIpAny(dlType) || dlType is F.EthTypeArp or F.EthTypeRarp,
            _ => false,
        };
    }

    private static bool PacketPrereqOk(string name, Prereq p, in FlowKey key)
    {
        var dlType = (ushort)key.Get(F.DlType);
        var proto = (byte)key.Get(F.NwProto);
        var ip = F.IsIpAny(dlType);
        // Later fragments carry no transport header, so OVS refuses transport fields for them.
        if (p is Prereq.L4 or Prereq.Icmp && (key.Get(F.NwFrag) & F.FragLater) != 0) return false;
        if (name.StartsWith("udp_", StringComparison.Ordinal)) return ip && proto == F.ProtoUdp;
        if (name.StartsWith("sctp_", StringComparison.Ordinal)) return ip && proto == F.ProtoSctp;
        if (name.StartsWith("tcp_", StringComparison.Ordinal) || name.StartsWith("tp_", StringComparison.Ordinal)) return ip && proto == F.ProtoTcp;
        return PrereqOk(p, key, FlowKey.AllOnes);
    }

    private static string PacketNeeds(string name, Prereq p)
    {
        var what = name.StartsWith("udp_", StringComparison.Ordinal) ? "needs udp"
            : name.StartsWith("sctp_", StringComparison.Ordinal) ? "needs sctp"
            : name.StartsWith("tcp_", StringComparison.Ordinal) || name.StartsWith("tp_", StringComparison.Ordinal) ? "needs tcp"
            : Describe(p);
        return p is Prereq.L4 or Prereq.Icmp ? what + " before it, and no later fragment" : what + " before it";
    }

    private static string Describe(Prereq p) => p switch
    {
        Prereq.Ip => "needs ip or ipv6",
        Prereq.IpOrArpProto => "needs ip, ipv6 or arp",
        Prereq.IpOrArp => "needs ip or arp",
        Prereq.Arp => "needs arp",
        Prereq.L4 => "needs tcp, udp, sctp or icmp",
        Prereq.Icmp => "needs icmp",
        _ => "",
    };

    private static (string Value, string? Mask) SplitMask(string value)
    {
        var slash = value.IndexOf('/');
        return slash < 0 ? (value, null) : (value[..slash], value[(slash + 1)..]);
    }
}
