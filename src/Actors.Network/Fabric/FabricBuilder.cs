using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// Builds the leaf and spine switches of a leaf-spine fabric: their ports and links, and their forwarding —
/// a leaf sends a packet for one of its own servers down that server's port and anything else up to a spine
/// chosen by ECMP on the flow hash; a spine sends it down to the leaf of the destination's server. The scenario
/// seed reaches the ports for the random streams of RED queues.
/// </summary>
public static class FabricBuilder
{
    /// <summary>Frames for a server arrive at its NIC, which every server has as component 0, on the NIC's wire port 0.</summary>
    public const ushort ServerNic = 0;
    public const int ServerNicWirePort = 0;

    public static FabricSwitch Leaf(LeafSpineLayout layout, LocationTable locations, int leaf, ulong seed)
    {
        var t = layout.Topology;
        var lpId = layout.LeafLp(leaf);
        var sw = new FabricSwitch(lpId, layout.NameOf(lpId), locations, (hash, server) =>
            layout.LeafOfHost(server) == leaf
                ? layout.HostPortOnLeaf(server)
                : layout.SpinePortOnLeaf(EcmpHash.Select(hash, lpId, t.Spines)));
        for (var i = 0; i < t.HostsPerLeaf; i++)
        {
            var host = leaf * t.HostsPerLeaf + i;
            sw.Ports.Add(new OutputPort(sw, 0, FabricSwitch.TransmitDoneTimer, i, layout.NameOf(host), (host, ServerNic, ServerNicWirePort),
                t.HostLink.Rate, t.HostLink.DelayPs, t.SwitchQueue.Limit, t.SwitchQueue.Ecn, seed, t.SwitchQueue.TracePs));
        }
        for (var s = 0; s < t.Spines; s++)
        {
            var spine = layout.SpineLp(s);
            sw.Ports.Add(new OutputPort(sw, 0, FabricSwitch.TransmitDoneTimer, layout.SpinePortOnLeaf(s), layout.NameOf(spine),
                (spine, 0, leaf), t.FabricLink.Rate, t.FabricLink.DelayPs, t.SwitchQueue.Limit, t.SwitchQueue.Ecn, seed, t.SwitchQueue.TracePs));
        }
        return sw;
    }

    public static FabricSwitch Spine(LeafSpineLayout layout, LocationTable locations, int spine, ulong seed)
    {
        var t = layout.Topology;
        var lpId = layout.SpineLp(spine);
        var sw = new FabricSwitch(lpId, layout.NameOf(lpId), locations, (_, server) => layout.LeafOfHost(server));
        for (var l = 0; l < t.Leaves; l++)
        {
            var leaf = layout.LeafLp(l);
            sw.Ports.Add(new OutputPort(sw, 0, FabricSwitch.TransmitDoneTimer, l, layout.NameOf(leaf),
                (leaf, 0, layout.SpinePortOnLeaf(spine)), t.FabricLink.Rate, t.FabricLink.DelayPs, t.SwitchQueue.Limit, t.SwitchQueue.Ecn, seed, t.SwitchQueue.TracePs));
        }
        return sw;
    }
}
