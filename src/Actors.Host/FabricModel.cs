using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Topology;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost;

/// <summary>
/// Builds the LPs of a leaf-spine scenario that belong to one partition. Every partition builds from
/// the same scenario and layout, so LP ids, names, ports and links agree across processes.
/// </summary>
public sealed class FabricModel : IModelFactory
{
    public static readonly FabricModel Instance = new();

    public IPartitionLayout Layout(ScenarioSettings scenario, int partitions) => new LeafSpineLayout(scenario.Topology, partitions);

    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int index)
    {
        var layout = new LeafSpineLayout(scenario.Topology, partitions);
        var t = scenario.Topology;
        var partition = new Partition(index, layout.Partitions, layout.PartitionOfLp);
        for (var lp = 0; lp < layout.LpCount; lp++)
        {
            if (layout.PartitionOfLp[lp] != index) continue;
            partition.Add(lp < layout.HostCount ? BuildHost(scenario, layout, lp)
                : layout.IsLeaf(lp) ? BuildLeaf(layout, lp - layout.HostCount)
                : BuildSpine(layout, lp - layout.HostCount - t.Leaves));
        }
        return partition;
    }

    private static BareMetalHost BuildHost(ScenarioSettings scenario, LeafSpineLayout layout, int host)
    {
        var t = layout.Topology;
        var h = new BareMetalHost(host, layout.NameOf(host), host, scenario);
        var leaf = layout.LeafLp(layout.LeafOfHost(host));
        h.AttachNic(new PhysicalNic(new OutputPort(h, 0, layout.NameOf(leaf), leaf, layout.HostPortOnLeaf(host),
            t.HostLink.Rate, t.HostLink.DelayPs, t.HostQueue)));
        h.AttachCpu(new ServerCpu(t.Server.Cores, t.Server.ClockHz));
        return h;
    }

    private static FabricSwitch BuildLeaf(LeafSpineLayout layout, int leaf)
    {
        var t = layout.Topology;
        var lpId = layout.LeafLp(leaf);
        var sw = new FabricSwitch(lpId, layout.NameOf(lpId), (self, hash, dst) =>
            layout.LeafOfHost(dst) == leaf
                ? layout.HostPortOnLeaf(dst)
                : layout.SpinePortOnLeaf(EcmpHash.Select(hash, self.Id, t.Spines)));
        for (var i = 0; i < t.HostsPerLeaf; i++)
        {
            var host = leaf * t.HostsPerLeaf + i;
            sw.Ports.Add(new OutputPort(sw, i, layout.NameOf(host), host, 0, t.HostLink.Rate, t.HostLink.DelayPs, t.SwitchQueue));
        }
        for (var s = 0; s < t.Spines; s++)
        {
            var spine = layout.SpineLp(s);
            sw.Ports.Add(new OutputPort(sw, layout.SpinePortOnLeaf(s), layout.NameOf(spine), spine, leaf,
                t.FabricLink.Rate, t.FabricLink.DelayPs, t.SwitchQueue));
        }
        return sw;
    }

    private static FabricSwitch BuildSpine(LeafSpineLayout layout, int spine)
    {
        var t = layout.Topology;
        var lpId = layout.SpineLp(spine);
        var sw = new FabricSwitch(lpId, layout.NameOf(lpId), (_, _, dst) => layout.LeafOfHost(dst));
        for (var l = 0; l < t.Leaves; l++)
        {
            var leaf = layout.LeafLp(l);
            sw.Ports.Add(new OutputPort(sw, l, layout.NameOf(leaf), leaf, layout.SpinePortOnLeaf(spine),
                t.FabricLink.Rate, t.FabricLink.DelayPs, t.SwitchQueue));
        }
        return sw;
    }
}
