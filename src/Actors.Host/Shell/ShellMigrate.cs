using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Shell;

/// <summary>
/// <c>migrate VM SERVER [NAME VALUE ...]</c>: a live migration of a VM, taken by the server that holds it, from the directive's time, as
/// the scenario's <c>migrations</c> would start it at that time — the same agent, stream, stop conditions and results (its row in
/// migrations.csv, its counters at <c>SERVER/migrationN</c>), numbered after the planned ones (N = their count + the directive's id).
/// The options are a <c>migrations</c> element's settings keys (<see cref="MigrationSettingsReader.Keys"/>), read by the scenario's reader
/// over its <c>migration</c> section; the destination is checked as the scenario's are.
/// </summary>
/// <param name="switchesVms">Whether a server has a switch VMs attach to (VMs planned on it, or planned arrivals): the same in every partition.</param>
internal sealed class ShellMigrate(DatacenterSettings dc, VfAllocation vfs, FabricGraph graph, bool[] switchesVms)
{
    public const string Verb = "migrate";

    private EntityPlan Plan => dc.Plan;

    /// <summary>The largest directive id that numbers a migration: its traffic keys and stream's flow numbers stay in range.</summary>
    private long MaxId => int.MaxValue / MigrationResults.Periods.Length - 1 - dc.Migrations.Count;

    /// <summary>Moves the VM whose stack is <paramref name="stack"/> (here on <paramref name="server"/>) to <paramref name="target"/>, or says why not.</summary>
    public DirectiveResult Apply(Server server, Directive directive, EndpointStack stack, string source, string target, ReadOnlySpan<string> given)
    {
        if (stack.Address.Id < graph.ServerCount) return Refused($"'{source}' is a server: migrate moves a VM to another server (migrate VM SERVER)");
        var entity = Plan.EntityOf(stack.Address.Id);
        var name = Plan.NameOf(entity);
        if (Plan.Entity(entity) is { Kind: EntityKind.Container } container)
            return Refused(container.ParentVm >= 0
                ? $"{name} is a container: containers move with their VM; migrate {Plan.NameOf(container.ParentVm)}, which it runs in"
                : $"{name} is a container on {server.Name}'s own kernel: the shell moves VMs only; move it with the scenario's migrations "
                    + $"({{ at, container = {name}, to, method = restart or criu }})");
        if (vfs.VnicOf(entity) == VnicBackend.Vf)
            return Refused($"{name} has vnic = vf: a VM with a passed-through VF cannot migrate live; use vnic = vf-bond");
        var moves = server.Moves ?? throw new InvalidOperationException($"{server.Name} holds VM {name} but no switch for VMs");
        var vm = moves.Held(server, entity) ?? throw new InvalidOperationException($"{server.Name} holds the stack of VM {name} but not the VM");
        if (moves.Migrating(entity) is { } agent)
            return Refused(agent.Request.Directed || agent.Phase != MigrationPhase.NotStarted
                ? $"{name} is migrating already (migration {agent.Request.Index} to host{agent.Request.ToServer}, {server.Name}/migration{agent.Request.Index})"
                : $"{name} has a live migration planned at {ScenarioHoconWriter.Time(agent.Request.AtPs)} ({MigrationReader.Key}[{agent.Request.Index}]): "
                    + "one migration of a VM at a time");
        var now = directive.Time;
        var t = Plan.VmTemplateOf(entity);
        if (MigrationReader.NotRunning(now, name, t.StartPs, t.StopPs, $"vms[{t.Index}]") is { } notRunning) return Refused(notRunning);
        var (to, problem) = Destination(server, target, entity, name, now);
        if (problem is not null) return Refused(problem);
        var (options, error) = ShellOptions.Parse(Verb, given, MigrationSettingsReader.Keys);
        if (options is null) return DirectiveResult.Refused(error);
        var (settings, settingsError) = MigrationSettingsReader.ReadOptions(options.Given, dc.Migration);
        if (settings is null) return Refused(settingsError);
        if (directive.Id < 0 || directive.Id > MaxId) return Refused($"directive id {directive.Id} cannot number a migration: ids 0 to {MaxId} can");
        var request = new MigrationRequest(checked((int)(dc.Migrations.Count + directive.Id)), now, entity, to, settings, Directed: true);
        var started = moves.Start(server, request, vm);
        return DirectiveResult.Applied($"live migration {request.Index} of {name} from {server.Name} to {graph.NameOf(to)} "
            + $"({MigrationSettingsReader.ModeWords.WordOf((int)settings.Mode)}) from {ScenarioHoconWriter.Time(now)}",
            started.Path, $"{graph.NameOf(to)}/vm-dock");
    }

    /// <summary>The server <paramref name="target"/> names, if VM <paramref name="entity"/> can move there now; else why not.</summary>
    private (int Server, string? Error) Destination(Server server, string target, int entity, string name, long now)
    {
        var to = ShellNames.ServerNamed(graph, target);
        if (to < 0)
            return (-1, Plan.TryResolve(target, out _)
                ? $"'{target}' is a VM or container: migrations go to servers (DST)"
                : $"no server named '{target}' (DST): servers are host0 to host{graph.ServerCount - 1}");
        if (to == server.Id) return (-1, $"{name} is on {server.Name} already");
        if (MigrationReader.DestinationProblem(entity, server.Id, to, Plan, vfs.VnicOf(entity)) is { } problem) return (-1, problem);
        if (Plan.Settings.Profiles[to].VmSwitch == VmSwitchKind.Ovs)
            return (-1, $"host{to} attaches VMs to OVS, whose ports are set when the run starts: move VMs there with the scenario's migrations");
        if (!switchesVms[to])
            return (-1, $"host{to} has no bridge for VMs (none is placed there, none planned to arrive): move VMs there with the scenario's migrations");
        var hotplug = dc.VfHotplug.Select((e, j) => (e, j)).FirstOrDefault(p => p.e.Entity == entity && p.e.AtPs >= now);
        if (hotplug.e is { } clash)
            return (-1, $"{name} has a VF hot-plug event at {ScenarioHoconWriter.Time(clash.AtPs)} (vf-hotplug[{hotplug.j}]): the migration unplugs its VF "
                + "and the scenario's event would act on it");
        return (to, MigrationReader.NoRoom(RoomAt(now), entity, to, now, Plan));
    }

    /// <summary>
    /// The room on the servers at <paramref name="now"/> as the scenario plans it: the VMs placed, moved by the planned migrations started by then
    /// (as the scenario's check counts them). Moves of other directives are not counted: they may be in another partition.
    /// </summary>
    private ServerRoom RoomAt(long now)
    {
        var room = ServerRoom.After(Plan, dc.Server.Cores);
        foreach (var m in dc.Migrations.Where(m => m.AtPs <= now && m.Container is null).OrderBy(m => m.AtPs).ThenBy(m => m.Index))
        {
            room.Remove(Plan.Entity(m.Entity).Server, Plan.VmTemplateOf(m.Entity));
            room.Place(m.ToServer, Plan.VmTemplateOf(m.Entity));
        }
        return room;
    }

    private static DirectiveResult Refused(string detail) => DirectiveResult.Refused($"{Verb}: {detail}");
}
