using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Sriov;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Traffic;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Settings;

/// <summary>
/// Reads a datacenter scenario's model keys: topology (fabric by Actors.Network, host-cpu here, vswitch by
/// Actors.Network) and traffic.generators. The parts depend on each other: generators are checked against the
/// number of hosts, a vSwitch against the cores, and queues last, since a byte limit must hold the largest
/// frame any generator sends.
/// </summary>
public sealed class DatacenterReader : IScenarioModelReader
{
    public static readonly DatacenterReader Instance = new();

    public IScenarioModel? Read(ScenarioSection root, ScenarioReadContext context) => ReadDatacenter(root, context);

    public static DatacenterSettings? ReadDatacenter(ScenarioSection root, ScenarioReadContext context)
    {
        var topology = root.Child("topology");
        var shape = ScenarioTopologyReader.ReadShape(topology, context);
        var hostLink = ScenarioTopologyReader.ReadLink(topology.Child("host-link"));
        var fabricLink = ScenarioTopologyReader.ReadLink(topology.Child("fabric-link"));
        var host = ReadHost(context, topology);
        var hostCount = shape?.HostCount;
        var virtualization = new ScenarioVirtualizationReader(context, hostCount, host?.Cores)
            .Read(root, host?.VSwitch.Enabled == true, host?.VSwitch.Datapath == VSwitchDatapath.Netdev);
        var hotplug = VfHotplugReader.Read(root, context, virtualization?.Plan);
        var migration = MigrationSettingsReader.ReadSection(root.Child(MigrationSettingsReader.Key));
        var migrations = MigrationReader.Read(root, context, virtualization?.Plan, host?.Cores, migration, hotplug);
        var generators = new ScenarioGeneratorReader(context, hostCount, virtualization?.Plan, shape?.LineRate(hostLink)).ReadAll(root.Child("traffic"));
        var tcp = ScenarioTcpReader.Read(root.Child("tcp"));
        var largestFrame = ScenarioGeneratorReader.LargestFrame(generators, tcp?.Mss ?? TcpSettings.Default.Mss);
        var hostQueue = ScenarioTopologyReader.ReadQueue(topology.Child("host-queue"), largestFrame);
        var switchQueue = ScenarioTopologyReader.ReadQueue(topology.Child("switch-queue"), largestFrame);
        var fabric = shape is not null && hostLink is not null && fabricLink is not null && hostQueue is not null && switchQueue is not null
            ? shape.Complete(hostLink, fabricLink, hostQueue.Value, switchQueue.Value, largestFrame)
            : null;
        if (fabric is null || host is null || virtualization is not { } v || tcp is null || hotplug is null || migration is null || migrations is null)
            return null;
        return new DatacenterSettings(fabric, host, generators, v.Settings, v.Plan, tcp, hotplug, migration, migrations);
    }

    /// <summary>topology.host-cpu (every server's cores and clock) and the vSwitch that runs on those cores.</summary>
    private static HostSettings? ReadHost(ScenarioReadContext context, ScenarioSection topology)
    {
        var cpu = topology.Child("host-cpu");
        var coresOk = cpu.TryInt("cores", 1, int.MaxValue, out var cores);
        var clockOk = cpu.TryFrequency("clock", out var clock);
        clockOk &= cpu.TryTime("idle-exit-latency", 0, out var idleExit);
        clockOk &= cpu.TryTime("idle-threshold", 0, out var idleThreshold);
        clockOk &= cpu.TryInt("max-backlog", 0, 1 << 24, out var maxBacklog);
        var vswitch = ScenarioVSwitchReader.ReadVSwitch(context, topology.Child("vswitch"), cpu, coresOk ? cores : null);
        return coresOk && clockOk && vswitch is not null ? new HostSettings(cores, clock, idleExit, idleThreshold, vswitch, maxBacklog) : null;
    }

    /// <summary>
    /// Bare-metal servers with the reference defaults for everything virtual (no VMs, no containers), for models built in
    /// code; <paramref name="freeStacks"/> = true charges no stack costs (stack-costs = free).
    /// </summary>
    public static DatacenterSettings BareMetal(TopologySettings topology, HostSettings server, IReadOnlyList<GeneratorSettings> generators, bool freeStacks)
    {
        var defaults = ScenarioDefaults.Read((root, context) =>
            new ScenarioVirtualizationReader(context, topology.HostCount, server.Cores).Read(root, server.VSwitch.Enabled, server.VSwitch.Datapath == VSwitchDatapath.Netdev));
        var (virtualization, _) = defaults ?? throw new InvalidOperationException("reference.conf's virtualization defaults are invalid");
        virtualization = virtualization with { FreeStacks = freeStacks };
        return new DatacenterSettings(topology, server, generators, virtualization, new EntityPlan(virtualization, topology.HostCount, []));
    }
}
