namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// One header field of a <see cref="FlowKey"/>: where its bits live and which lookup stage it belongs
/// to. The instances below are the complete set of fields the model knows.
/// </summary>
public sealed class FlowField
{
    private FlowField(string name, int word, int shift, int bits, int stage)
    {
        Name = name; Word = word; Shift = shift; Bits = bits; Stage = stage;
        Ones = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
    }

    public string Name { get; }
    public int Word { get; }
    public int Shift { get; }
    public int Bits { get; }
    /// <summary>0 = metadata, 1 = L2, 2 = L3, 3 = L4 (the staged-lookup segment of OVS's classifier).</summary>
    public int Stage { get; }
    /// <summary>A right-aligned mask with <see cref="Bits"/> ones.</summary>
    public ulong Ones { get; }

    public override string ToString() => Name;

    public static readonly FlowField Metadata = new("metadata", 0, 0, 64, 0);
    public static readonly FlowField[] Regs =
    [
        new("reg0", 1, 32, 32, 0), new("reg1", 1, 0, 32, 0), new("reg2", 2, 32, 32, 0), new("reg3", 2, 0, 32, 0),
        new("reg4", 3, 32, 32, 0), new("reg5", 3, 0, 32, 0), new("reg6", 4, 32, 32, 0), new("reg7", 4, 0, 32, 0),
    ];
    public static readonly FlowField InPort = new("in_port", 5, 32, 32, 0);
    public static readonly FlowField RecircId = new("recirc_id", 5, 0, 32, 0);

    public static readonly FlowField DlDst = new("dl_dst", 6, 16, 48, 1);
    public static readonly FlowField DlType = new("dl_type", 6, 0, 16, 1);
    public static readonly FlowField DlSrc = new("dl_src", 7, 16, 48, 1);
    public static readonly FlowField VlanTci = new("vlan_tci", 7, 0, 16, 1);
    public static readonly FlowField VlanTci1 = new("vlan_tci1", 8, 0, 16, 1);
    /// <summary>TPID of the outer and inner VLAN header (0x8100 or 0x88a8; 0 when absent). Rules cannot match it, but popping a tag makes it significant.</summary>
    public static readonly FlowField VlanTpid = new("vlan_tpid", 8, 32, 16, 1);
    public static readonly FlowField VlanTpid1 = new("vlan_tpid1", 8, 16, 16, 1);

    public static readonly FlowField NwSrc = new("nw_src", 9, 32, 32, 2);
    public static readonly FlowField NwDst = new("nw_dst", 9, 0, 32, 2);
    public static readonly FlowField NwFrag = new("nw_frag", 10, 24, 8, 2);
    public static readonly FlowField NwTos = new("nw_tos", 10, 16, 8, 2);
    public static readonly FlowField NwTtl = new("nw_ttl", 10, 8, 8, 2);
    public static readonly FlowField NwProto = new("nw_proto", 10, 0, 8, 2);

    public static readonly FlowField ArpSha = new("arp_sha", 11, 16, 48, 3);
    public static readonly FlowField TcpFlags = new("tcp_flags", 11, 0, 16, 3);
    public static readonly FlowField ArpTha = new("arp_tha", 12, 16, 48, 3);
    public static readonly FlowField TpSrc = new("tp_src", 13, 16, 16, 3);
    public static readonly FlowField TpDst = new("tp_dst", 13, 0, 16, 3);

    /// <summary>First word of each stage, plus the end: stage s spans words StageStart[s]..StageStart[s+1]-1.</summary>
    public static readonly int[] StageStart = [0, 6, 9, 11, FlowKey.WordCount];
    public const int StageCount = 4;
    public const int L3Stage = 2;
    /// <summary>The word holding tp_src (high 16 bits of the low half) and tp_dst: the 32-bit "ports" value of OVS.</summary>
    public const int PortsWord = 13;

    public const ushort EthTypeIp = 0x0800, EthTypeArp = 0x0806, EthTypeRarp = 0x8035, EthTypeIpv6 = 0x86dd, EthTypeVlan = 0x8100, EthTypeQinQ = 0x88a8;
    public const byte ProtoIcmp = 1, ProtoTcp = 6, ProtoUdp = 17, ProtoIcmpv6 = 58, ProtoSctp = 132;

    /// <summary>True for IPv4 and IPv6 (OVS's <c>is_ip_any</c>).</summary>
    public static bool IsIpAny(ushort dlType) => dlType is EthTypeIp or EthTypeIpv6;
    public const ushort VlanCfi = 0x1000, VlanVidMask = 0x0fff, VlanPcpMask = 0xe000;
    public const byte IpDscpMask = 0xfc, IpEcnMask = 0x03;
    /// <summary>nw_frag bits: FLOW_NW_FRAG_ANY (1) and FLOW_NW_FRAG_LATER (2).</summary>
    public const byte FragAny = 1, FragLater = 2, FragMask = 3;
}
