using System.Globalization;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Reads the scenario's live migrations: <c>migrations = [ { at = 1s, vm = web-0, to = 7 } ]</c>, each completed from
/// dcsim.migration-defaults, with any key of the <c>migration</c> section as its own override. Each moves one running VM
/// (its containers with it) to another server with a hypervisor and room for it, counting the VMs planned there and those
/// that earlier migrations (by <c>at</c>, then list order) bring or take away. One migration per VM in this version.
/// A container on a server's own kernel moves with <c>{ at, container = NAME, to, method }</c> (<see cref="ContainerMoveReader"/>).
/// A placement policy: <c>{ at = 1s, evacuate = host3 }</c> moves every VM of a server, one after another (Nova's
/// <c>max_concurrent_live_migrations</c> default of 1), each to the server with the most vCPUs free for it then (ties: the
/// most memory free, then the lowest index) among those with a hypervisor, a switch its vNIC attaches to and room.
/// </summary>
internal static class MigrationReader
{
    public const string Key = "migrations";
    public const string DefaultsPath = "dcsim.migration-defaults";
    private const string Example = "{ at = 1s, vm = web-0, to = 7 } or { at = 1s, evacuate = host3 }";
    private const string ServerPrefix = "host";

    /// <summary>The migrations in list order, or null after reporting (also when what they depend on is missing: already reported).</summary>
    /// <param name="hotplug">The scenario's VF hot-plug events: none may touch a migrating VM's VF once its migration started.</param>
    public static IReadOnlyList<MigrationRequest>? Read(ScenarioSection root, ScenarioReadContext context, EntityPlan? plan, int? cores, MigrationSettings? section,
        IReadOnlyList<Sriov.VfHotplugEvent>? hotplug = null)
    {
        var (list, fromFile) = root.Get(Key);
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            root.Report(Key, fromFile, $"expected a list of live migrations [ {Example} ], found {HoconValues.Describe(list)}");
            return null;
        }
        var elements = HoconValues.Elements(list);
        var migrations = new List<MigrationRequest>();
        var sections = new List<ScenarioSection>();
        var allocation = plan is null || elements.Count == 0 ? null : new VfAllocation(plan);
        var ok = true;
        for (var i = 0; i < elements.Count; i++)
        {
            var path = $"{root.PathOf(Key)}[{i}]";
            if (HoconValues.KindOf(elements[i]) != HoconKind.Object)
            {
                context.Diagnostics.Report(path, $"expected a live migration {Example}, found {HoconValues.Describe(elements[i])}");
                ok = false;
                continue;
            }
            var s = context.ListElement(path, elements[i].GetObject(), DefaultsPath);
            if (s.Get(ContainerMoveReader.Key).FromFile)
            {
                if (ContainerMoveReader.ReadOne(migrations.Count, s, context.DurationPs, plan, section) is { } c) { migrations.Add(c); sections.Add(s); }
                else ok = false;
            }
            else if (!ContainerMoveReader.NoContainerKeys(s)) ok = false;
            else if (s.Get("evacuate").FromFile)
            {
                if (ReadEvacuation(migrations.Count, s, context.DurationPs, plan, allocation, section, migrations, cores) is { } moves)
                    foreach (var m in moves) { migrations.Add(m); sections.Add(s); }
                else ok = false;
            }
            else if (ReadOne(migrations.Count, s, context.DurationPs, plan, allocation, section) is { } m) { migrations.Add(m); sections.Add(s); }
            else ok = false;
        }
        return ok && plan is not null && cores is { } n && OnePerVm(migrations, sections, plan) && CheckRoom(migrations, sections, plan, n)
            && NoHotplugDuring(migrations, sections, plan, hotplug ?? []) ? migrations : null;
    }

    private static MigrationRequest? ReadOne(int index, ScenarioSection s, long? durationPs, EntityPlan? plan, VfAllocation? allocation, MigrationSettings? section)
    {
        // A key that is missing is reported once; the others are still read for their own errors.
        long at = 0;
        var ok = Required(s, "at") && ReadAt(s, durationPs, out at);
        var entity = Required(s, "vm") && plan is not null && allocation is not null && s.TryText("vm", out var name) ? MigratableVm(s, name, plan, allocation) : -1;
        if (ok && entity >= 0) ok = Running(s, at, entity, plan!);
        var to = Required(s, "to") && plan is not null ? Destination(s, plan) : -1;
        if (to >= 0 && entity >= 0) ok &= CheckDestination(s, entity, to, plan!, allocation!);
        // Without the section (already reported), the element's own keys are still checked.
        var settings = MigrationSettingsReader.ReadElement(s, section ?? MigrationSettings.Qemu);
        return ok && entity >= 0 && to >= 0 && settings is not null && section is not null && durationPs is not null
            ? new MigrationRequest(index, at, entity, to, settings) : null;
    }

    private static bool Required(ScenarioSection s, string key) =>
        s.Check(s.Get(key).FromFile, key, true, $"missing: every live migration needs at, vm and to, as in {Example} (or container instead of vm for a container's move)");

    /// <summary>
    /// <c>{ at, evacuate = SERVER }</c>: a migration per VM on the server, chained, each to the destination the policy picks given the
    /// migrations read so far (<paramref name="earlier"/>); null after reporting.
    /// </summary>
    private static List<MigrationRequest>? ReadEvacuation(int firstIndex, ScenarioSection s, long? durationPs, EntityPlan? plan, VfAllocation? allocation,
        MigrationSettings? section, List<MigrationRequest> earlier, int? cores)
    {
        foreach (var key in new[] { "vm", "to" })
            if (!s.Check(!s.Get(key).FromFile, key, true, $"an evacuation picks each VM's destination itself: {key} goes with vm and to, not with evacuate"))
                return null;
        long at = 0;
        var ok = Required(s, "at") && ReadAt(s, durationPs, out at);
        var server = plan is null ? -1 : ServerOf(s, "evacuate", plan);
        var settings = MigrationSettingsReader.ReadElement(s, section ?? MigrationSettings.Qemu);
        if (!ok || server < 0 || settings is null || section is null || plan is null || allocation is null || cores is not { } n) return null;
        var vms = plan.OnServer(server).ToArray().Where(e => plan.Entity(e).Kind == EntityKind.Vm).ToList();
        if (!s.Check(vms.Count > 0, "evacuate", true, $"host {server} has no VM to evacuate")) return null;
        // The room as the earlier migrations leave it (they all start before or with this one: the reader orders by at).
        var room = ServerRoom.After(plan, n);
        foreach (var m in earlier.Where(m => m.AtPs <= at && m.Container is null))
        {
            room.Remove(plan.Entity(m.Entity).Server, plan.VmTemplateOf(m.Entity));
            room.Place(m.ToServer, plan.VmTemplateOf(m.Entity));
        }
        var moves = new List<MigrationRequest>();
        foreach (var vm in vms)
        {
            var name = plan.NameOf(vm);
            if (allocation.VnicOf(vm) == VnicBackend.Vf)
            {
                s.Report("evacuate", true, $"{name} on host {server} has vnic = vf: a VM with a passed-through VF cannot migrate live; use vnic = vf-bond");
                return null;
            }
            if (!s.Check(plan.VmTemplateOf(vm) is var t && t.StartPs <= at && at < t.StopPs, "at", true, $"{name} on host {server} is not running at {ScenarioHoconWriter.Time(at)}"))
                return null;
            var to = Enumerable.Range(0, plan.Hosts)
                .Where(h => h != server && Attaches(vm, h, plan, allocation) && room.Fits(h, plan.VmTemplateOf(vm)))
                .OrderByDescending(h => room.VcpuLimit(h) - room.VcpusPlaced(h))
                .ThenByDescending(h => plan.Settings.Profiles[h].MemoryBytes - room.MemoryPlaced(h))
                .ThenBy(h => h)
                .DefaultIfEmpty(-1).First();
            if (!s.Check(to >= 0, "evacuate", true, $"no server has room for {name} ({plan.VmTemplateOf(vm).Vcpus} vCPUs, {Mib(plan.VmTemplateOf(vm).MemoryBytes)} MiB) "
                    + $"when host {server} is evacuated at {ScenarioHoconWriter.Time(at)}, with a hypervisor and a switch its vNIC attaches to"))
                return null;
            room.Remove(server, plan.VmTemplateOf(vm));
            room.Place(to, plan.VmTemplateOf(vm));
            moves.Add(new MigrationRequest(firstIndex + moves.Count, at, vm, to, settings, moves.Count == 0 ? -1 : firstIndex + moves.Count - 1, server));
        }
        return moves;
    }

    /// <summary>Whether <paramref name="vm"/> could run on <paramref name="host"/>: a hypervisor, and a switch its vNIC attaches to.</summary>
    private static bool Attaches(int vm, int host, EntityPlan plan, VfAllocation allocation)
    {
        var profile = plan.Settings.Profiles[host];
        return profile.Hypervisor != HypervisorKind.None && allocation.VnicOf(vm) switch
        {
            VnicBackend.VhostUser => profile.VmSwitch == VmSwitchKind.Ovs,
            VnicBackend.VfBond => profile.VmSwitch == VmSwitchKind.LinuxBridge,
            _ => true,
        };
    }

    /// <summary>The entity of the one VM <paramref name="name"/> names, when it can migrate live; else -1, reported.</summary>
    private static int MigratableVm(ScenarioSection s, string name, EntityPlan plan, VfAllocation allocation)
    {
        if (!plan.TryResolve(name, out var endpoints))
        {
            var close = ScenarioSuggestions.Closest(name, Enumerable.Range(0, plan.Entities.Count).Where(e => plan.Entity(e).Kind == EntityKind.Vm).Select(plan.NameOf));
            s.Report("vm", true, $"no VM is named '{name}'" + (close is null ? "" : $"; did you mean '{close}'?") + $" ({plan.DescribeNames()})");
            return -1;
        }
        if (endpoints.Count != 1)
        {
            s.Report("vm", true, $"'{name}' is a template of {endpoints.Count} VMs or containers: name one VM ({name}-0, {name}-1, ...)");
            return -1;
        }
        var entity = plan.EntityOf(endpoints[0]);
        if (plan.Entity(entity) is { Kind: EntityKind.Container } container)
        {
            s.Report("vm", true, container.ParentVm >= 0
                ? $"{name} is a container: containers move with their VM; migrate {plan.NameOf(container.ParentVm)}, which it runs in"
                : $"{name} is a container on host {container.Server}'s own kernel: move it with container = {name} (method = restart or criu), not vm");
            return -1;
        }
        var vnic = allocation.VnicOf(entity);
        return s.Check(vnic != VnicBackend.Vf, "vm", true,
            $"{name} has vnic = vf: a VM with a passed-through VF cannot migrate live (QEMU refuses to migrate a VM with a VFIO device); "
            + "use vnic = vf-bond, whose bond carries the traffic on its paravirtual NIC while the VF is detached for the move") ? entity : -1;
    }

    /// <summary><c>at</c>: a time from 0 to before the end of the scenario; false after reporting.</summary>
    public static bool ReadAt(ScenarioSection s, long? durationPs, out long at) =>
        s.TryTime("at", 0, out at) && (durationPs is not { } d
            || s.Check(at < d, "at", true, $"at {ScenarioHoconWriter.Time(at)} is not before the end of the scenario (duration = {ScenarioHoconWriter.Time(d)})"));

    /// <summary>The VM must be running at <paramref name="at"/>: from its template's start to before its stop.</summary>
    private static bool Running(ScenarioSection s, long at, int entity, EntityPlan plan)
    {
        var t = plan.VmTemplateOf(entity);
        return RunningAt(s, at, plan.NameOf(entity), t.StartPs, t.StopPs, $"vms[{t.Index}]");
    }

    /// <summary><paramref name="name"/> (its template at <paramref name="template"/>) must run at <paramref name="at"/>: from its start to before its stop.</summary>
    public static bool RunningAt(ScenarioSection s, long at, string name, long startPs, long stopPs, string template) =>
        NotRunning(at, name, startPs, stopPs, template) is not { } problem || s.Check(false, "at", true, problem);

    /// <summary>Why <paramref name="name"/> does not run at <paramref name="at"/> (before its start, or from its stop on); null when it runs.</summary>
    public static string? NotRunning(long at, string name, long startPs, long stopPs, string template)
    {
        var when = ScenarioHoconWriter.Time(at);
        if (at < startPs) return $"{name} is not running at {when}: it starts at {ScenarioHoconWriter.Time(startPs)} ({template}.start)";
        return at < stopPs ? null : $"{name} is not running at {when}: it stops at {ScenarioHoconWriter.Time(stopPs)} ({template}.stop)";
    }

    /// <summary><c>to</c>: a server's index (7) or name (host7); else -1, reported.</summary>
    private static int Destination(ScenarioSection s, EntityPlan plan) => ServerOf(s, "to", plan);

    /// <summary>A server named at <paramref name="key"/>: its index (7) or name (host7); else -1, reported.</summary>
    public static int ServerOf(ScenarioSection s, string key, EntityPlan plan)
    {
        if (!s.TryText(key, out var text)) return -1;
        var digits = text.StartsWith(ServerPrefix, StringComparison.Ordinal) ? text[ServerPrefix.Length..] : text;
        if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var server) && server < plan.Hosts) return server;
        var isVm = plan.TryResolve(text, out _) ? $" ('{text}' is a VM or container: migrations go to servers)" : "";
        s.Report(key, true, $"expected a server, its index 0-{plan.Hosts - 1} or its name host0-host{plan.Hosts - 1}, got '{text}'{isVm}");
        return -1;
    }

    /// <summary>The destination must be another server, with a hypervisor and a switch the VM's vNIC attaches to.</summary>
    private static bool CheckDestination(ScenarioSection s, int entity, int to, EntityPlan plan, VfAllocation allocation) =>
        DestinationProblem(entity, plan.Entity(entity).Server, to, plan, allocation.VnicOf(entity)) is not { } problem || s.Check(false, "to", true, problem);

    /// <summary>
    /// Why VM <paramref name="entity"/> (vNIC <paramref name="vnic"/>) cannot move from <paramref name="from"/> to <paramref name="to"/>: the
    /// same server, no hypervisor there, or no switch its vNIC attaches to; null when it can.
    /// </summary>
    public static string? DestinationProblem(int entity, int from, int to, EntityPlan plan, VnicBackend vnic)
    {
        var name = plan.NameOf(entity);
        if (to == from) return $"migration to itself: {name} is placed on host {from} already";
        var profile = plan.Settings.Profiles[to];
        if (profile.Hypervisor == HypervisorKind.None) return $"host {to} has no hypervisor (servers.hypervisor or its group's is none): {name} cannot run there";
        if (vnic == VnicBackend.VhostUser && profile.VmSwitch != VmSwitchKind.Ovs)
            return $"{name} has vnic = vhost-user, which attaches to an OVS netdev datapath: host {to} has vm-switch = linux-bridge";
        return vnic == VnicBackend.VfBond && profile.VmSwitch != VmSwitchKind.LinuxBridge
            ? $"{name} has vnic = vf-bond, which needs vm-switch = linux-bridge: host {to} has ovs (moving the VM's MAC in the vSwitch's "
                + "learning table and caches at failover is not built)"
            : null;
    }

    /// <summary>At most one migration per VM: their order would otherwise depend on when each ends, which is not known before the run.</summary>
    private static bool OnePerVm(List<MigrationRequest> migrations, List<ScenarioSection> sections, EntityPlan plan)
    {
        var first = new Dictionary<int, MigrationRequest>();
        var ok = true;
        for (var i = 0; i < migrations.Count; i++)
        {
            var m = migrations[i];
            if (first.TryAdd(m.Entity, m)) continue;
            var earlier = first[m.Entity];
            ok = sections[i].Check(false, m.Container is null ? "vm" : ContainerMoveReader.Key, true,
                $"{plan.NameOf(m.Entity)} is migrated already by {Key}[{earlier.Index}] (at {ScenarioHoconWriter.Time(earlier.AtPs)}): "
                + $"one migration per {(m.Container is null ? "VM" : "container")} in this version, as when the first ends is not known before the run");
        }
        return ok;
    }

    /// <summary>
    /// A migration unplugs a bonded VM's VF when it starts and gives it one at the destination: a scenario hot-plug event for that VM
    /// at or after the start would act on a VF the migration owns.
    /// </summary>
    private static bool NoHotplugDuring(List<MigrationRequest> migrations, List<ScenarioSection> sections, EntityPlan plan, IReadOnlyList<Sriov.VfHotplugEvent> hotplug)
    {
        var ok = true;
        for (var i = 0; i < migrations.Count; i++)
        {
            var m = migrations[i];
            var clash = hotplug.Select((e, j) => (e, j)).FirstOrDefault(p => p.e.Entity == m.Entity && p.e.AtPs >= m.AtPs);
            if (clash.e is null) continue;
            ok = sections[i].Check(false, "at", true, $"{plan.NameOf(m.Entity)} has a VF hot-plug event at {ScenarioHoconWriter.Time(clash.e.AtPs)} "
                + $"(vf-hotplug[{clash.j}]) after its migration starts at {ScenarioHoconWriter.Time(m.AtPs)}: the migration unplugs its VF then and plugs "
                + "one in at the destination; end the VM's hot-plug events before it");
        }
        return ok;
    }

    /// <summary>
    /// Each destination must have room for its VM when the migration starts (the destination reserves the VM's vCPUs and memory
    /// then): the VMs planned there plus those earlier migrations brought, less those they took away, in the order of at (list order
    /// at one time).
    /// </summary>
    private static bool CheckRoom(List<MigrationRequest> migrations, List<ScenarioSection> sections, EntityPlan plan, int cores)
    {
        // Most scenarios have none: the ordering below is generic code over value types, JIT-compiled at start.
        if (migrations.Count == 0) return true;
        var room = ServerRoom.After(plan, cores);
        // Containers take no room at placement; a moved one takes its memory on its destination (its image is restored there).
        var containerMemory = new long[plan.Hosts];
        var ok = true;
        foreach (var i in Enumerable.Range(0, migrations.Count).OrderBy(i => migrations[i].AtPs).ThenBy(i => i))
        {
            var m = migrations[i];
            if (m.Container is { } move)
            {
                var limit = plan.Settings.Profiles[m.ToServer].MemoryBytes;
                if (room.MemoryPlaced(m.ToServer) + containerMemory[m.ToServer] + move.MemoryBytes > limit)
                    ok = sections[i].Check(false, "to", true, $"host {m.ToServer} has no room for {plan.NameOf(m.Entity)}'s {Mib(move.MemoryBytes)} MiB at "
                        + $"{ScenarioHoconWriter.Time(m.AtPs)}: {Mib(room.MemoryPlaced(m.ToServer) + containerMemory[m.ToServer])} of its {Mib(limit)} MiB are "
                        + "taken by the VMs placed there and the VMs and containers moved there by earlier migrations");
                else containerMemory[m.ToServer] += move.MemoryBytes;
                continue;
            }
            if (NoRoom(room, m.Entity, m.ToServer, m.AtPs, plan) is { } problem)
            {
                ok = sections[i].Check(false, "to", true, problem);
                continue;
            }
            var t = plan.VmTemplateOf(m.Entity);
            room.Remove(plan.Entity(m.Entity).Server, t);
            room.Place(m.ToServer, t);
        }
        return ok;
    }

    /// <summary>Why <paramref name="to"/> has no room for VM <paramref name="entity"/> at <paramref name="at"/> as <paramref name="room"/> stands; null when it has.</summary>
    public static string? NoRoom(ServerRoom room, int entity, int to, long at, EntityPlan plan)
    {
        var t = plan.VmTemplateOf(entity);
        return room.Fits(to, t) ? null
            : $"host {to} has no room for {plan.NameOf(entity)} ({t.Vcpus} vCPUs, {Mib(t.MemoryBytes)} MiB) at {ScenarioHoconWriter.Time(at)}: "
                + $"{room.VcpusPlaced(to)} of its {room.VcpuLimit(to)} vCPUs (cores x vcpu-overcommit) and "
                + $"{Mib(room.MemoryPlaced(to))} of its {Mib(plan.Settings.Profiles[to].MemoryBytes)} MiB are taken by the VMs placed there and moved by earlier migrations";
    }

    /// <summary>The migrations in the resolved scenario: the VM by name, the server by index, and the keys that differ from the section's.</summary>
    /// <remarks>An evacuation is written as it was asked (its first migration stands for it): reading it again gives the same moves.</remarks>
    public static List<ResolvedHocon> Resolved(IReadOnlyList<MigrationRequest> migrations, MigrationSettings section, EntityPlan plan) =>
        migrations.Where(m => m.Evacuates < 0 || m.After < 0).Select(m =>
        {
            if (m.Container is not null) return ContainerMoveReader.Resolved(m, plan);
            var element = new ResolvedHocon { ["at"] = ScenarioHoconWriter.Time(m.AtPs) };
            if (m.Evacuates >= 0) element["evacuate"] = ScenarioHoconWriter.Int(m.Evacuates);
            else
            {
                element["vm"] = ScenarioHoconWriter.Quote(plan.NameOf(m.Entity));
                element["to"] = ScenarioHoconWriter.Int(m.ToServer);
            }
            MigrationSettingsReader.WriteOverrides(m.Settings, section, element);
            return element;
        }).ToList();

    private static long Mib(long bytes) => bytes >> 20;
}
