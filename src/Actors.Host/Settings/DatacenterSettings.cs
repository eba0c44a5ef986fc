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
/// The model's part of a scenario: the leaf-spine fabric (Actors.Network), every server's CPU and vSwitch, and
/// the traffic generators. Read by <see cref="DatacenterReader"/>; each part is read by the project that owns it.
/// </summary>
public sealed record DatacenterSettings(
    TopologySettings Topology,
    HostSettings Server,
    IReadOnlyList<GeneratorSettings> Generators,
    VirtualizationSettings Virtualization,
    EntityPlan Plan,
    TcpSettings? TcpOrNull = null,
    IReadOnlyList<VfHotplugEvent>? VfHotplugOrNull = null,
    MigrationSettings? MigrationOrNull = null,
    IReadOnlyList<MigrationRequest>? MigrationsOrNull = null) : IScenarioModel
{
    /// <summary>The scenario's live-migration stop conditions (section migration); each migration holds its own with its overrides.</summary>
    public MigrationSettings Migration => MigrationOrNull ?? MigrationSettings.Qemu;

    /// <summary>The scenario's live migrations (migrations), in list order: <see cref="MigrationRequest.Index"/> is the position.</summary>
    public IReadOnlyList<MigrationRequest> Migrations => MigrationsOrNull ?? [];

    /// <summary>The scenario's VF hot-unplug and hot-plug events (vf-hotplug), in list order.</summary>
    public IReadOnlyList<VfHotplugEvent> VfHotplug => VfHotplugOrNull ?? [];

    /// <summary>Every endpoint's TCP stack (scenario section tcp).</summary>
    public TcpSettings Tcp => TcpOrNull ?? TcpSettings.Default;

    public void WriteResolved(ResolvedHocon root)
    {
        var topology = new ResolvedHocon
        {
            ["host-cpu"] = new ResolvedHocon
            {
                ["cores"] = ScenarioHoconWriter.Int(Server.Cores),
                ["clock"] = ScenarioHoconWriter.Frequency(Server.ClockHz),
                ["idle-exit-latency"] = ScenarioHoconWriter.Time(Server.IdleExitPs),
                ["idle-threshold"] = ScenarioHoconWriter.Time(Server.IdleThresholdPs),
                ["max-backlog"] = ScenarioHoconWriter.Int(Server.MaxBacklog),
            },
            ["vswitch"] = ScenarioVSwitchReader.Resolved(Server.VSwitch),
        };
        ScenarioTopologyReader.WriteResolved(Topology, topology);
        root["topology"] = topology;
        VirtualizationResolved.Write(Virtualization, root, Topology.HostCount);
        root["tcp"] = ScenarioTcpReader.Resolved(Tcp);
        // Written only when there are events, as the VF costs are: scenarios without SR-IOV keep their resolved text.
        if (VfHotplug.Count > 0) root[VfHotplugReader.Key] = VfHotplugReader.Resolved(VfHotplug, Plan);
        // Likewise the migration section: only with migrations or when it is not the default (QEMU's), so that it reads back the same.
        if (Migrations.Count > 0 || Migration != MigrationSettings.Qemu) root[MigrationSettingsReader.Key] = MigrationSettingsReader.Resolved(Migration);
        if (Migrations.Count > 0) root[MigrationReader.Key] = MigrationReader.Resolved(Migrations, Migration, Plan);
        root["traffic"] = new ResolvedHocon { ["generators"] = Generators.Select(g => ScenarioGeneratorReader.Resolved(g, Topology.HostCount, Plan)).ToList() };
    }

    public ScenarioCostEstimate EstimateCost() => DatacenterCost.Of(this);

    /// <summary>Value equality, the generators compared element by element (a record compares lists by reference); the plan follows from the rest.</summary>
    public bool Equals(DatacenterSettings? other) =>
        other is not null && Topology == other.Topology && Server == other.Server && Generators.SequenceEqual(other.Generators)
        && Virtualization == other.Virtualization && Tcp == other.Tcp && VfHotplug.SequenceEqual(other.VfHotplug)
        && Migration == other.Migration && Migrations.SequenceEqual(other.Migrations);

    public override int GetHashCode() => HashCode.Combine(Topology, Server, Generators.Count);
}

/// <summary>
/// Every server's cores, clock and C-state exits (topology.host-cpu) and, when enabled, its Open vSwitch (between the
/// host's traffic and its NIC).
/// </summary>
public sealed record HostSettings(int Cores, long ClockHz, long IdleExitPs, long IdleThresholdPs, VSwitchOptions VSwitch, int MaxBacklog = 0);

public static class ScenarioSettingsExtensions
{
    /// <summary>The datacenter a scenario describes, as <see cref="DatacenterReader"/> read it.</summary>
    public static DatacenterSettings Datacenter(this ScenarioSettings scenario) =>
        scenario.Model as DatacenterSettings
        ?? throw new InvalidOperationException($"scenario '{scenario.Name}' was read by another model ({scenario.Model.GetType().Name}), not by {nameof(DatacenterReader)}");
}
