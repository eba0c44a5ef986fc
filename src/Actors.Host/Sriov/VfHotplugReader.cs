using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Sriov;

/// <summary>
/// Reads the scenario's vf-hotplug list: { at = 10ms, vm = web-0, action = detach | attach }, each completed from
/// dcsim.vf-hotplug-defaults. Each names one VM with vnic = vf-bond; a VM's events, in time order (list order at one
/// time), alternate detach, attach, detach, ... from a VF that is plugged in at the start.
/// </summary>
internal static class VfHotplugReader
{
    public const string Key = "vf-hotplug";
    public const string DefaultsPath = "dcsim.vf-hotplug-defaults";
    private const string Example = "{ at = 10ms, vm = web-0, action = detach }";

    public static readonly ScenarioWordList Actions = new(("detach", (int)VfHotplugAction.Detach), ("attach", (int)VfHotplugAction.Attach));

    /// <summary>The events in list order, or null after reporting (also when the plan or the duration is missing: already reported).</summary>
    public static IReadOnlyList<VfHotplugEvent>? Read(ScenarioSection root, ScenarioReadContext context, EntityPlan? plan)
    {
        var (list, fromFile) = root.Get(Key);
        if (HoconValues.KindOf(list) != HoconKind.List)
        {
            root.Report(Key, fromFile, $"expected a list of VF hot-plug events [ {Example} ], found {HoconValues.Describe(list)}");
            return null;
        }
        var elements = HoconValues.Elements(list);
        var events = new List<VfHotplugEvent>();
        var sections = new List<ScenarioSection>();
        var ok = true;
        for (var i = 0; i < elements.Count; i++)
        {
            var path = $"{root.PathOf(Key)}[{i}]";
            if (HoconValues.KindOf(elements[i]) != HoconKind.Object)
            {
                context.Diagnostics.Report(path, $"expected a VF hot-plug event {Example}, found {HoconValues.Describe(elements[i])}");
                ok = false;
                continue;
            }
            var s = context.ListElement(path, elements[i].GetObject(), DefaultsPath);
            if (ReadOne(s, context.DurationPs, plan) is { } e) { events.Add(e); sections.Add(s); }
            else ok = false;
        }
        return ok && plan is not null && CheckSequence(events, sections, plan) ? events : null;
    }

    private static VfHotplugEvent? ReadOne(ScenarioSection s, long? durationPs, EntityPlan? plan)
    {
        var ok = Required(s, "at") & Required(s, "vm") & Required(s, "action");
        if (!ok) return null;
        ok = s.TryTime("at", 0, out var at);
        if (ok && durationPs is { } d)
            ok = s.Check(at < d, "at", true, $"at {ScenarioHoconWriter.Time(at)} is not before the end of the scenario (duration = {ScenarioHoconWriter.Time(d)})");
        ok &= s.TryWord("action", Actions, out var actionValue);
        var action = (VfHotplugAction)actionValue;
        var entity = -1;
        if (s.TryText("vm", out var name) && plan is not null) entity = BondedVm(s, name, plan);
        return ok && entity >= 0 && durationPs is not null ? new VfHotplugEvent(at, entity, action) : null;
    }

    private static bool Required(ScenarioSection s, string key) =>
        s.Check(s.Get(key).FromFile, key, true, $"missing: every VF hot-plug event needs at, vm and action, as in {Example}");

    /// <summary>The entity of the VM <paramref name="name"/> names, when it is one VM with vnic = vf-bond; else -1, reported.</summary>
    private static int BondedVm(ScenarioSection s, string name, EntityPlan plan)
    {
        if (!plan.TryResolve(name, out var endpoints))
        {
            s.Report("vm", true, $"no VM is named '{name}': a VF on a VM that does not exist; {plan.DescribeNames()}");
            return -1;
        }
        var entity = plan.EntityOf(endpoints[0]);
        if (endpoints.Count != 1 || plan.Entity(entity).Kind != EntityKind.Vm)
        {
            s.Report("vm", true, endpoints.Count != 1
                ? $"'{name}' is a template of {endpoints.Count} VMs or containers: name one VM ({name}-0, {name}-1, ...)"
                : $"'{name}' is a container: only VMs have VFs");
            return -1;
        }
        var vnic = plan.VmTemplateOf(entity).Vnic;
        if (!s.Check(vnic == VnicBackend.VfBond, "vm", true,
                $"{name} has vnic = {ScenarioVirtualizationReader.Backends.WordOf((int)vnic)}: only a VM with vnic = vf-bond has a VF "
                + "to detach and attach (its bond keeps it on the network meanwhile)"))
            return -1;
        return s.Check(new VfAllocation(plan).VnicOf(entity) == VnicBackend.VfBond, "vm", true,
            $"{name} found no VF left on host {plan.Entity(entity).Server} and fell back to the vm-switch (servers.vf-exhaustion = vswitch): "
            + "it has no VF to detach or attach") ? entity : -1;
    }

    /// <summary>Per VM, in time order: detach needs the VF plugged in, attach needs it unplugged.</summary>
    private static bool CheckSequence(List<VfHotplugEvent> events, List<ScenarioSection> sections, EntityPlan plan)
    {
        // Most scenarios have none: the ordering and the dictionary below are generic code over value types, JIT-compiled at start.
        if (events.Count == 0) return true;
        var plugged = new Dictionary<int, (bool Plugged, int Last)>();
        foreach (var i in Enumerable.Range(0, events.Count).OrderBy(i => events[i].AtPs).ThenBy(i => i))
        {
            var e = events[i];
            var (isPlugged, last) = plugged.GetValueOrDefault(e.Entity, (true, -1));
            var wanted = e.Action == VfHotplugAction.Detach;
            if (isPlugged != wanted)
            {
                var before = last < 0 ? "it is plugged in from the start" : $"{Key}[{last}] {(isPlugged ? "attaches" : "detaches")} it at {ScenarioHoconWriter.Time(events[last].AtPs)}";
                sections[i].Report("action", true, $"the VF of {plan.NameOf(e.Entity)} is already {(isPlugged ? "attached" : "detached")} at "
                    + $"{ScenarioHoconWriter.Time(e.AtPs)} ({before})");
                return false;
            }
            plugged[e.Entity] = (!isPlugged, i);
        }
        return true;
    }

    public static List<ResolvedHocon> Resolved(IReadOnlyList<VfHotplugEvent> events, EntityPlan plan) =>
        events.Select(e => new ResolvedHocon
        {
            ["at"] = ScenarioHoconWriter.Time(e.AtPs),
            ["vm"] = ScenarioHoconWriter.Quote(plan.NameOf(e.Entity)),
            ["action"] = Actions.WordOf((int)e.Action),
        }).ToList();
}
