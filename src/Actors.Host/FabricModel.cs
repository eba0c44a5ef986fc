using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Units;
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

    /// <summary>
    /// Checks the model's own inputs that the scenario loader cannot read (the vSwitch rules file); throws
    /// <see cref="RuleParseException"/> naming the file, line and token.
    /// </summary>
    public static void Validate(ScenarioSettings scenario)
    {
        VSwitchRules(scenario);
        RuleChangesOf(scenario);
    }

    /// <summary>The scenario's timed rule changes, parsed (errors name the change's position and token).</summary>
    private static List<(long At, Func<FlowTables, long, RuleSetChange> Apply)> RuleChangesOf(ScenarioSettings scenario) =>
        scenario.Topology.Server.VSwitch.RuleChanges
            .Select((c, i) => (c.AtPs, RuleChanges.Compile(c, $"topology.vswitch.rule-changes[{i}] '{c.Rule}'"))).ToList();

    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int index)
    {
        var layout = new LeafSpineLayout(scenario.Topology, partitions);
        var t = scenario.Topology;
        var partition = new Partition(index, layout.Partitions, layout.PartitionOfLp);
        var vswitches = scenario.Topology.Server.VSwitch.Enabled;
        for (var lp = 0; lp < layout.LpCount; lp++)
        {
            if (layout.PartitionOfLp[lp] != index) continue;
            partition.Add(lp < layout.HostCount ? BuildHost(scenario, layout, lp, vswitches)
                : layout.IsLeaf(lp) ? BuildLeaf(layout, lp - layout.HostCount)
                : BuildSpine(layout, lp - layout.HostCount - t.Leaves));
        }
        return partition;
    }

    /// <summary>The vSwitch rules of a server, freshly parsed, or null without vSwitches.</summary>
    private static RuleFile? VSwitchRules(ScenarioSettings scenario)
    {
        var v = scenario.Topology.Server.VSwitch;
        if (!v.Enabled) return null;
        return v.RulesFile.Length == 0 ? PipelineSlowPath.HostForwarding() : RuleFileParser.ParseFile(scenario.ResolvePath(v.RulesFile));
    }

    private static BareMetalHost BuildHost(ScenarioSettings scenario, LeafSpineLayout layout, int host, bool vswitch)
    {
        var t = layout.Topology;
        var h = new BareMetalHost(host, layout.NameOf(host), host, scenario);
        var leaf = layout.LeafLp(layout.LeafOfHost(host));
        h.AttachNic(new PhysicalNic(new OutputPort(h, 0, layout.NameOf(leaf), leaf, layout.HostPortOnLeaf(host),
            t.HostLink.Rate, t.HostLink.DelayPs, t.HostQueue)));
        var cpu = new ServerCpu(t.Server.Cores, t.Server.ClockHz);
        h.AttachCpu(cpu);
        // Every server parses its own copy: rules carry counters and belong to one vSwitch's tables.
        if (vswitch) h.AttachVSwitch(BuildVSwitch(scenario, host, VSwitchRules(scenario)!, cpu), t.Server.VSwitch.RevalidatePeriodPs, RuleChangesOf(scenario));
        return h;
    }

    private static VSwitch BuildVSwitch(ScenarioSettings scenario, int host, RuleFile rules, ServerCpu cpu)
    {
        var o = scenario.Topology.Server.VSwitch;
        var defaults = o.Datapath == VSwitchDatapath.Netdev ? DatapathProfile.NetdevDefaults : DatapathProfile.KernelDefaults;
        var profile = defaults with
        {
            FlowLimit = o.FlowLimit, UpcallQueueCapacity = o.UpcallQueue,
            EmcInsertInverseProbability = o.Datapath == VSwitchDatapath.Netdev ? o.EmcInsertInverseProbability : 0,
        };
        var settings = new VSwitchSettings(profile, o.DatapathCores, o.HandlerCores, o.RevalidatePeriodPs, o.MaxIdlePs,
            MaxIdleOverLimitPs: 100 * SimTime.Millisecond, CyclesPerRevalidatedFlow: 2_000);
        return new VSwitch(settings, new PipelineSlowPath(rules, [BareMetalHost.UplinkPort, BareMetalHost.LocalPort], learn: true), cpu,
            RandomStreams.Create(scenario.Seed, host, "vswitch"));
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
