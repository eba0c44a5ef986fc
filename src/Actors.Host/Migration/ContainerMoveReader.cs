using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Reads a container's move, a <c>migrations</c> element that names a <c>container</c> instead of a <c>vm</c>:
/// <c>{ at = 1s, container = cache-0, to = host2, method = restart | criu }</c>, with <c>memory</c>, <c>freeze</c>,
/// <c>dump-rate</c> and <c>restore-rate</c> for CRIU. Only a container on a server's own kernel moves on its own (one inside a
/// VM moves with its VM), and only with network = macvlan: its address is its own and the fabric can learn where it went; a
/// bridge-networked container is reached through its server's address and published ports, and a host-networked one has its
/// server's address, so neither keeps its address on another server.
/// </summary>
internal static class ContainerMoveReader
{
    public const string Key = "container";
    private const string Example = "{ at = 1s, container = cache-0, to = host2, method = restart }";
    public static readonly ScenarioWordList MethodWords = new(("restart", (int)ContainerMoveMethod.Restart), ("criu", (int)ContainerMoveMethod.Criu));

    /// <summary>The keys that describe a container's move only.</summary>
    public static readonly string[] ContainerKeys = ["method", "memory", "freeze", "dump-rate", "restore-rate"];

    /// <summary>The keys of a VM's live migration, which a container's move does not take.</summary>
    private static readonly string[] VmKeys = ["vm", "evacuate", "preset", "mode", "downtime-limit", "max-bandwidth", "max-rounds", "max-data-factor",
        "min-pages", "stop-when-round-grows", "abort-after", "page-size", "device-state", "resume-delay", "in-flight"];

    /// <summary>A VM's migration must not set a container's keys (they would be silently ignored).</summary>
    public static bool NoContainerKeys(ScenarioSection s) =>
        ContainerKeys.All(key => s.Check(!s.Get(key).FromFile, key, true, $"{key} applies to a container's move ({Key} = NAME), not to a VM's live migration"));

    /// <summary>One container's move, or null after reporting.</summary>
    public static MigrationRequest? ReadOne(int index, ScenarioSection s, long? durationPs, EntityPlan? plan, MigrationSettings? section)
    {
        var ok = VmKeys.All(key => s.Check(!s.Get(key).FromFile, key, true,
            $"{key} applies to a VM's live migration; a container's move takes at, {Key}, to, method, and for criu memory, freeze, dump-rate and restore-rate"));
        long at = 0;
        ok &= Required(s, "at") && MigrationReader.ReadAt(s, durationPs, out at);
        var entity = Required(s, Key) && plan is not null && s.TryText(Key, out var name) ? MovableContainer(s, name, plan) : -1;
        if (ok && entity >= 0 && plan!.ContainerTemplateOf(entity) is var t)
            ok = MigrationReader.RunningAt(s, at, plan.NameOf(entity), t.StartPs, t.StopPs, $"containers[{t.Index}]");
        var to = Required(s, "to") && plan is not null ? MigrationReader.ServerOf(s, "to", plan) : -1;
        if (to >= 0 && entity >= 0)
            ok &= s.Check(to != plan!.Entity(entity).Server, "to", true, $"move to itself: {plan.NameOf(entity)} is placed on host {to} already");
        var move = ReadMove(s);
        return ok && entity >= 0 && to >= 0 && move is not null && section is not null && durationPs is not null
            ? new MigrationRequest(index, at, entity, to, section, Container: move) : null;
    }

    private static bool Required(ScenarioSection s, string key) =>
        s.Check(s.Get(key).FromFile, key, true, $"missing: a container's move needs at, {Key} and to, as in {Example}");

    private static ContainerMove? ReadMove(ScenarioSection s)
    {
        var ok = s.TryWord("method", MethodWords, out var methodValue);
        var method = (ContainerMoveMethod)methodValue;
        ok &= s.TrySize("memory", 0, long.MaxValue / 8, out var memory);
        ok &= s.TryTime("freeze", 0, out var freeze);
        long dumpRate = 0, restoreRate = 0;
        ok &= s.TryText("dump-rate", out var dump) && ByteRate.TryRead(s, "dump-rate", dump, 1, out dumpRate);
        ok &= s.TryText("restore-rate", out var restore) && ByteRate.TryRead(s, "restore-rate", restore, 1, out restoreRate);
        return ok ? new ContainerMove(method, memory, freeze, dumpRate, restoreRate) : null;
    }

    /// <summary>The entity of the one container <paramref name="name"/> names, when it can move on its own; else -1, reported.</summary>
    private static int MovableContainer(ScenarioSection s, string name, EntityPlan plan)
    {
        if (!plan.TryResolve(name, out var endpoints))
        {
            var close = ScenarioSuggestions.Closest(name, Enumerable.Range(0, plan.Entities.Count).Where(e => plan.Entity(e).Kind == EntityKind.Container).Select(plan.NameOf));
            s.Report(Key, true, $"no container is named '{name}'" + (close is null ? "" : $"; did you mean '{close}'?") + $" ({plan.DescribeNames()})");
            return -1;
        }
        if (endpoints.Count != 1)
        {
            s.Report(Key, true, $"'{name}' is a template of {endpoints.Count} VMs or containers: name one container ({name}-0, {name}-1, ...)");
            return -1;
        }
        var entity = plan.EntityOf(endpoints[0]);
        var e = plan.Entity(entity);
        if (e.Kind == EntityKind.Vm)
        {
            s.Report(Key, true, $"{name} is a VM: write vm = {name} for its live migration");
            return -1;
        }
        if (e.ParentVm >= 0)
        {
            s.Report(Key, true, $"{name} runs inside VM {plan.NameOf(e.ParentVm)}: it moves with its VM; migrate {plan.NameOf(e.ParentVm)} (vm = {plan.NameOf(e.ParentVm)})");
            return -1;
        }
        var network = plan.ContainerTemplateOf(entity).Network;
        return s.Check(network == ContainerNetwork.Macvlan, Key, true, network switch
        {
            ContainerNetwork.Bridge => $"{name} has network = bridge: it is reached through host {e.Server}'s address and published ports, which it cannot "
                + "take to another server (peers would have to find its new server); only network = macvlan containers move, with their own address",
            ContainerNetwork.Host => $"{name} has network = host: it has host {e.Server}'s own address, which it cannot take to another server; "
                + "only network = macvlan containers move, with their own address",
            _ => $"{name} has network = none: it has no traffic to move; only network = macvlan containers move",
        }) ? entity : -1;
    }

    /// <summary>The element in the resolved scenario: every key of the move (they have no section to differ from).</summary>
    public static ResolvedHocon Resolved(MigrationRequest m, EntityPlan plan)
    {
        var c = m.Container!;
        return new ResolvedHocon
        {
            ["at"] = ScenarioHoconWriter.Time(m.AtPs),
            [Key] = ScenarioHoconWriter.Quote(plan.NameOf(m.Entity)),
            ["to"] = ScenarioHoconWriter.Int(m.ToServer),
            ["method"] = MethodWords.WordOf((int)c.Method),
            ["memory"] = ScenarioHoconWriter.Size(c.MemoryBytes),
            ["freeze"] = ScenarioHoconWriter.Time(c.FreezePs),
            ["dump-rate"] = ByteRate.Format(c.DumpBytesPerSecond),
            ["restore-rate"] = ByteRate.Format(c.RestoreBytesPerSecond),
        };
    }
}
