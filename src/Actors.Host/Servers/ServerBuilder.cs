using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.ActorsNic;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Servers;

/// <summary>
/// Assembles one server LP from the scenario: the host's stack (with the generators that run on it), an
/// optional vSwitch, and the NIC, wired stack → [vSwitch port 2, port 1 →] NIC → leaf.
/// </summary>
/// <remarks>
/// Components are added in a fixed order — the NIC first, as component <see cref="FabricBuilder.ServerNic"/>
/// where the leaf delivers frames, then the stack and the vSwitch: their indices and the order in which
/// they schedule their first events are then the same in every process.
/// </remarks>
internal sealed class ServerBuilder(ScenarioSettings scenario, LeafSpineLayout layout, EndpointDirectory directory)
{
    /// <summary>The vSwitch's OpenFlow ports: the NIC and the host's own traffic.</summary>
    public const int UplinkPort = 1;
    public const int LocalPort = 2;

    public Server Build(int host)
    {
        var datacenter = scenario.Datacenter();
        var t = datacenter.Topology;
        var name = layout.NameOf(host);
        var server = new Server(host, name, new ServerCpu(datacenter.Server.Cores, datacenter.Server.ClockHz, datacenter.Server.IdleExitPs, datacenter.Server.IdleThresholdPs));
        var nic = server.Add(new PhysicalNic($"{name}/nic0"));
        if (nic.Index != FabricBuilder.ServerNic) throw new InvalidOperationException($"{name}: the NIC must be component {FabricBuilder.ServerNic}");
        var stack = server.Add(new HostStack($"{name}/stack", directory[host], directory, datacenter.Generators,
            g => g.Hosts.Contains(host), scenario.Seed));
        var vswitch = datacenter.Server.VSwitch.Enabled ? server.Add(BuildVSwitch(name, host, server.Cpu)) : null;
        var leaf = layout.LeafLp(layout.LeafOfHost(host));
        nic.ConnectWire(new OutputPort(server, nic.Index, PhysicalNic.TransmitDoneTimer, 0, layout.NameOf(leaf),
            (leaf, 0, layout.HostPortOnLeaf(host)), t.HostLink.Rate, t.HostLink.DelayPs, t.HostQueue));
        if (vswitch is null) server.Connect(stack, HostStack.NetworkPort, nic, PhysicalNic.HostPort);
        else
        {
            server.Connect(stack, HostStack.NetworkPort, vswitch, LocalPort);
            server.Connect(vswitch, UplinkPort, nic, PhysicalNic.HostPort);
        }
        return server;
    }

    /// <summary>The vSwitch rules of a server, freshly parsed, or null without vSwitches.</summary>
    public static RuleFile? VSwitchRules(ScenarioSettings scenario)
    {
        var v = scenario.Datacenter().Server.VSwitch;
        if (!v.Enabled) return null;
        return v.RulesFile.Length == 0 ? PipelineSlowPath.HostForwarding() : RuleFileParser.ParseFile(scenario.ResolvePath(v.RulesFile));
    }

    /// <summary>The scenario's timed rule changes, parsed (errors name the change's position and token).</summary>
    public static List<(long At, Func<FlowTables, long, RuleSetChange> Apply)> RuleChangesOf(ScenarioSettings scenario) =>
        scenario.Datacenter().Server.VSwitch.RuleChanges
            .Select((c, i) => (c.AtPs, RuleChanges.Compile(c, $"topology.vswitch.rule-changes[{i}] '{c.Rule}'"))).ToList();

    private VSwitchComponent BuildVSwitch(string name, int host, ServerCpu cpu)
    {
        var o = scenario.Datacenter().Server.VSwitch;
        var settings = new VSwitchSettings(o.Profile, o.DatapathCores, o.HandlerCores, o.RevalidatePeriodPs, o.MaxIdlePs,
            o.MaxIdleOverLimitPs, o.CyclesPerRevalidatedFlow);
        // Every server parses its own copy: rules carry counters and belong to one vSwitch's tables.
        var slowPath = new PipelineSlowPath(VSwitchRules(scenario)!, [UplinkPort, LocalPort], learn: true);
        var vswitch = new VSwitch(settings, slowPath, cpu, RandomStreams.Create(scenario.Seed, host, "vswitch"));
        return new VSwitchComponent($"{name}/vswitch", $"{name}:vswitch", vswitch, o.RevalidatePeriodPs, RuleChangesOf(scenario));
    }
}
