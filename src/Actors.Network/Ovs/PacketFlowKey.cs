using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// The headers a vSwitch sees for a simulated packet: Ethernet with a MAC per host, IPv4 10.0.0.0/8 with
/// the host index as the address, UDP with the flow's ports. The ports follow the traffic generators'
/// 5-tuple (source port 1024 + flow number mod 60,000, destination port 5000 + generator; responses swap
/// them), so every packet of a flow has the same key and distinct flows have distinct keys.
/// </summary>
public static class PacketFlowKey
{
    public const ulong Ipv4EtherType = 0x0800;
    public const ulong Udp = 17;

    public static FlowKey Of(in Packet packet, int inPort)
    {
        var key = new FlowKey();
        key.Set(FlowField.InPort, (ulong)inPort);
        key.Set(FlowField.DlType, Ipv4EtherType);
        key.Set(FlowField.DlSrc, HostMac(packet.SourceHost));
        key.Set(FlowField.DlDst, HostMac(packet.DestinationHost));
        key.Set(FlowField.NwSrc, HostAddress(packet.SourceHost));
        key.Set(FlowField.NwDst, HostAddress(packet.DestinationHost));
        key.Set(FlowField.NwProto, Udp);
        key.Set(FlowField.NwTtl, 64);
        var (sourcePort, destinationPort) = Ports(packet);
        key.Set(FlowField.TpSrc, sourcePort);
        key.Set(FlowField.TpDst, destinationPort);
        return key;
    }

    /// <summary>10.0.0.0/8 plus the host index.</summary>
    public static ulong HostAddress(int host) => 0x0A00_0000UL | (uint)host;

    /// <summary>A locally administered unicast MAC, 02:00 followed by the host index.</summary>
    public static ulong HostMac(int host) => 0x0200_0000_0000UL | (uint)host;

    private static (ulong Source, ulong Destination) Ports(in Packet packet)
    {
        var generator = FlowIds.Generator(packet.FlowId);
        var number = FlowIds.Number(packet.FlowId);
        return packet.Type == PacketType.Response
            ? ((ulong)(5000 + generator - 128), (ulong)(1024 + packet.DestinationHost))
            : ((ulong)(1024 + number % 60_000), (ulong)(5000 + generator));
    }
}
