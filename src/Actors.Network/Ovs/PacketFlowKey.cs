using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// The flow key a vSwitch classifies a simulated packet by — its Ethernet, IPv4 and L4 headers as the packet
/// carries them, the port it came in on, TTL 64 — and the way back: header rewrites of datapath actions
/// applied to the packet. An 802.1Q tag (<see cref="PacketHeaders.Vlan"/>) is the key's vlan_tci with the CFI bit as
/// OVS marks a present tag (flow.h: VLAN_CFI), so dl_vlan matches and push_vlan, mod_vlan_vid and strip_vlan act on it;
/// the priority bits are not carried (a rewritten priority is lost).
/// </summary>
public static class PacketFlowKey
{
    public const ulong Ipv4EtherType = 0x0800;

    public static FlowKey Of(in Packet packet, int inPort)
    {
        ref readonly var h = ref packet.Headers;
        var key = new FlowKey();
        key.Set(FlowField.InPort, (ulong)inPort);
        key.Set(FlowField.DlType, Ipv4EtherType);
        key.Set(FlowField.DlSrc, h.SourceMac);
        key.Set(FlowField.DlDst, h.DestinationMac);
        if (h.Vlan != 0) key.Set(FlowField.VlanTci, (ulong)(h.Vlan | FlowField.VlanCfi));
        key.Set(FlowField.NwSrc, h.SourceIp);
        key.Set(FlowField.NwDst, h.DestinationIp);
        key.Set(FlowField.NwProto, h.Protocol);
        key.Set(FlowField.NwTtl, 64);
        key.Set(FlowField.TpSrc, h.SourcePort);
        key.Set(FlowField.TpDst, h.DestinationPort);
        return key;
    }

    /// <summary>
    /// Executes the header-changing actions of <paramref name="actions"/> on <paramref name="packet"/> (addresses and ports),
    /// starting from the packet's key as it was classified (a copy: the caller's key is not changed).
    /// </summary>
    public static void Rewrite(ref Packet packet, DatapathActions actions, FlowKey key)
    {
        foreach (var a in actions.Actions) a.Apply(ref key);
        ref var h = ref packet.Headers;
        h.SourceMac = key.Get(FlowField.DlSrc);
        h.DestinationMac = key.Get(FlowField.DlDst);
        var tci = key.Get(FlowField.VlanTci);
        h.Vlan = (tci & FlowField.VlanCfi) == 0 ? (ushort)0 : (ushort)(tci & FlowField.VlanVidMask);
        h.SourceIp = (uint)key.Get(FlowField.NwSrc);
        h.DestinationIp = (uint)key.Get(FlowField.NwDst);
        h.SourcePort = (ushort)key.Get(FlowField.TpSrc);
        h.DestinationPort = (ushort)key.Get(FlowField.TpDst);
    }
}
