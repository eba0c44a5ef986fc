using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// Places the scenario's VMs and containers on servers (and containers in VMs) by each template's policy, checking
/// capacity: a server takes VMs while their vCPUs fit its cores times the over-commit ratio and their memory fits
/// its memory; a VM needs a server with a hypervisor (<see cref="ServerRoom"/>). What cannot fit is reported at the template's key.
/// </summary>
internal sealed class EntityPlanner(VirtualizationSettings settings, int hosts, int coresPerServer)
{
    // Per server, only when there are VMs (containers): a scenario may have millions of servers and neither.
    private readonly ServerRoom _room = new(settings.Profiles, settings.Vms.Count > 0 ? hosts : 0, coresPerServer);
    private readonly int[] _guestsOnKernel = new int[settings.Containers.Count > 0 ? hosts : 0]; // bridge slots of each server's own kernel
    // Not a List<PlannedEntity>, nor an eager dictionary keyed by a tuple: generic code over value types, which ReadyToRun leaves to
    // the JIT on the way to a run's first window (and the dictionary's comparer is made by reflection), even with no VM or container.
    private PlannedEntity[] _entities = new PlannedEntity[16];
    private int _entityCount;
    private readonly Dictionary<string, int> _vmByName = new(StringComparer.Ordinal);
    // Host ports published on each kernel (-(vm + 1) for a VM's), over all templates: one NAT, one binding per port.
    private Dictionary<(int Kernel, int Port, byte Protocol), string>? _published;

    /// <param name="vmSections">The sections of vms[i], to report at; <paramref name="containerSections"/> likewise.</param>
    public EntityPlan? Plan(IReadOnlyList<ScenarioSection> vmSections, IReadOnlyList<ScenarioSection> containerSections)
    {
        if (!CheckEventSources([.. vmSections, .. containerSections])) return null;
        var ok = true;
        for (var t = 0; t < settings.Vms.Count; t++) ok &= PlaceVms(settings.Vms[t], vmSections[t]);
        var vmSlots = new int[_entityCount];
        for (var t = 0; t < settings.Containers.Count; t++) ok &= PlaceContainers(settings.Containers[t], containerSections[t], vmSlots);
        if (!ok) return null;
        var entities = new PlannedEntity[_entityCount];
        Array.Copy(_entities, entities, _entityCount);
        var plan = new EntityPlan(settings, hosts, entities);
        return CheckAddresses(plan, vmSections, containerSections) ? plan : null;
    }

    /// <summary>Two endpoints with one IPv4 address on the network are an error at the template that assigns the second.</summary>
    private bool CheckAddresses(EntityPlan plan, IReadOnlyList<ScenarioSection> vmSections, IReadOnlyList<ScenarioSection> containerSections)
    {
        if (!settings.Vms.Any(v => v.Subnet is not null) && !settings.Containers.Any(c => c.Subnet is not null)) return true;
        var owner = new Dictionary<uint, int>();
        for (var endpoint = 0; endpoint < plan.EndpointCount; endpoint++)
        {
            var entity = plan.EntityOf(endpoint);
            // Addresses private to a kernel (Docker's bridge) or shared with it (host network) are not on the network.
            if (entity >= 0 && plan.Entity(entity).Kind == EntityKind.Container
                && settings.Containers[plan.Entity(entity).Template].Network is ContainerNetwork.Bridge or ContainerNetwork.Host or ContainerNetwork.None) continue;
            var ip = plan.AddressOf(endpoint).Ipv4;
            if (owner.TryAdd(ip, endpoint)) continue;
            var e = plan.Entity(entity >= 0 ? entity : plan.EntityOf(owner[ip]));
            var section = e.Kind == EntityKind.Vm ? vmSections[e.Template] : containerSections[e.Template];
            section.Report("subnet", true, $"{plan.EndpointName(endpoint, h => $"host {h}")} would have address {plan.AddressOf(endpoint)}, "
                + $"already {plan.EndpointName(owner[ip], h => $"host {h}'s")}; two endpoints with one address are not allowed");
            return false;
        }
        return true;
    }

    private bool PlaceVms(VmTemplate t, ScenarioSection s)
    {
        var candidates = t.Hosts.Where(h => settings.Profiles[h].Hypervisor != HypervisorKind.None).ToList();
        if (candidates.Count == 0)
        {
            s.Report("hosts", true, $"none of the servers listed has a hypervisor (servers.hypervisor or a group's): VM {t.Name} cannot run on bare metal");
            return false;
        }
        if (t.Placement == Placement.Explicit && t.Hosts.Count != t.Count)
        {
            s.Report("hosts", true, $"placement = explicit needs one server per VM: count = {t.Count}, but hosts lists {t.Hosts.Count}");
            return false;
        }
        if (t.Placement == Placement.Explicit && candidates.Count != t.Hosts.Count)
        {
            var bare = t.Hosts.First(h => settings.Profiles[h].Hypervisor == HypervisorKind.None);
            s.Report("hosts", true, $"host {bare} has no hypervisor (servers.hypervisor = none): VM {t.Name} cannot run on bare metal");
            return false;
        }
        var spread = t.Placement == Placement.Spread ? new SortedSet<(int Vcpus, int Host)>(candidates.Select(h => (_room.VcpusPlaced(h), h))) : null;
        var cursor = 0;
        for (var i = 0; i < t.Count; i++)
        {
            var host = t.Placement switch
            {
                Placement.Explicit => Fits(t.Hosts[i], t) ? t.Hosts[i] : -1,
                Placement.Pack => NextPacked(candidates, t, ref cursor),
                Placement.Spread => spread!.FirstOrDefault(e => Fits(e.Host, t), (Vcpus: 0, Host: -1)).Host,
                _ => NextRoundRobin(candidates, t, ref cursor),
            };
            if (host < 0)
            {
                var where = t.Placement == Placement.Explicit ? $"host {t.Hosts[i]}" : $"any of the {candidates.Count} servers listed";
                s.Report("count", true, $"VM {t.Name}-{i} ({t.Vcpus} vCPUs, {Mib(t.MemoryBytes)} MiB) does not fit on {where}: "
                    + $"a server takes at most {coresPerServer} cores x vcpu-overcommit vCPUs and its memory; {i} of {t.Count} VMs were placed");
                return false;
            }
            spread?.Remove((_room.VcpusPlaced(host), host));
            // vCPUs are handed cores from core 1 on: core 0 is the host kernel's network core.
            var firstCore = (1 + _room.VcpusPlaced(host)) % coresPerServer;
            _room.Place(host, t);
            spread?.Add((_room.VcpusPlaced(host), host));
            _vmByName[$"{t.Name}-{i}"] = _entityCount;
            Add(new PlannedEntity(hosts + _entityCount, EntityKind.Vm, t.Index, i, host, -1, -1, firstCore));
        }
        return true;
    }

    /// <summary>The first server that fits: one that did not fit a VM of this template never fits a later one (placing only adds).</summary>
    private int NextPacked(List<int> candidates, VmTemplate t, ref int cursor)
    {
        while (cursor < candidates.Count && !Fits(candidates[cursor], t)) cursor++;
        return cursor < candidates.Count ? candidates[cursor] : -1;
    }

    private int NextRoundRobin(List<int> candidates, VmTemplate t, ref int cursor)
    {
        for (var tried = 0; tried < candidates.Count; tried++)
        {
            var host = candidates[cursor];
            cursor = (cursor + 1) % candidates.Count;
            if (Fits(host, t)) return host;
        }
        return -1;
    }

    private bool Fits(int host, VmTemplate t) => _room.Fits(host, t);

    private bool PlaceContainers(ContainerTemplate t, ScenarioSection s, int[] vmSlots)
    {
        // Kernels the containers may share: VMs when the template names any, else servers. -(vm + 1) marks a VM.
        var kernels = new List<int>();
        if (t.InVms.Count > 0)
        {
            for (var i = 0; i < t.InVms.Count; i++)
            {
                var name = t.InVms[i];
                var matches = _vmByName.TryGetValue(name, out var vm) ? [vm]
                    : settings.Vms.FirstOrDefault(v => v.Name == name) is { } template
                        ? Enumerable.Range(0, template.Count).Select(k => _vmByName.GetValueOrDefault($"{template.Name}-{k}", -1)).Where(v => v >= 0).ToList()
                        : [];
                if (matches.Count == 0)
                {
                    var known = string.Join(", ", settings.Vms.Select(v => v.Name));
                    s.Report($"vms[{i}]", true, $"no VM or VM template is named '{name}' (VM templates: {(known.Length == 0 ? "none" : known)})");
                    return false;
                }
                kernels.AddRange(matches.Select(m => -(m + 1)));
            }
        }
        else kernels.AddRange(t.Hosts);
        if (t.Placement == Placement.Explicit && kernels.Count != t.Count)
        {
            s.Report(t.InVms.Count > 0 ? "vms" : "hosts", true,
                $"placement = explicit needs one {(t.InVms.Count > 0 ? "VM" : "server")} per container: count = {t.Count}, but {kernels.Count} are listed");
            return false;
        }
        var placedOn = new Dictionary<int, int>();
        // Spread: the kernel with the fewest containers of this template so far, the first listed on a tie.
        var fewest = t.Placement == Placement.Spread
            ? new SortedSet<(int Placed, int FirstListed, int Kernel)>(kernels.Select((k, i) => (0, i, k)).DistinctBy(e => e.k))
            : null;
        for (var i = 0; i < t.Count; i++)
        {
            var kernel = t.Placement switch
            {
                Placement.Explicit => kernels[i],
                Placement.Pack => kernels[0],
                Placement.Spread => fewest!.Min.Kernel,
                _ => kernels[i % kernels.Count],
            };
            placedOn[kernel] = placedOn.GetValueOrDefault(kernel) + 1;
            if (fewest is not null)
            {
                var least = fewest.Min;
                fewest.Remove(least);
                fewest.Add(least with { Placed = least.Placed + 1 });
            }
            foreach (var p in t.Publish)
            {
                _published ??= [];
                if (_published.TryAdd((kernel, p.HostPort, p.Protocol), $"{t.Name}-{i}")) continue;
                s.Report("publish", true, $"container {t.Name}-{i} would publish host port {p.HostPort} on {KernelName(kernel)}, where "
                    + $"{_published[(kernel, p.HostPort, p.Protocol)]} publishes it already; each needs its own kernel (more servers or VMs, "
                    + "or placement = spread) or its own host port");
                return false;
            }
            var parent = kernel < 0 ? -kernel - 1 : -1;
            var server = parent >= 0 ? _entities[parent].Server : kernel;
            var slot = t.Network == ContainerNetwork.Bridge ? (parent >= 0 ? vmSlots[parent]++ : _guestsOnKernel[server]++) : -1;
            if (slot >= 65_533)
            {
                s.Report("count", true, $"{KernelName(kernel)} would hold more than 65,533 bridge-networked containers, the size of Docker's 172.17.0.0/16");
                return false;
            }
            Add(new PlannedEntity(hosts + _entityCount, EntityKind.Container, t.Index, i, server, parent, slot, -1));
        }
        return true;
    }

    private void Add(PlannedEntity entity)
    {
        if (_entityCount == _entities.Length)
        {
            var grown = new PlannedEntity[2 * _entityCount];
            Array.Copy(_entities, grown, _entityCount);
            _entities = grown;
        }
        _entities[_entityCount++] = entity;
    }

    /// <summary>
    /// The entities' event sources must fit the kernel's: checked from the counts before anything is placed (a million
    /// containers are refused at once, not after planning them), at the template that goes over.
    /// </summary>
    private bool CheckEventSources(List<ScenarioSection> sections)
    {
        long entities = 0;
        for (var t = 0; t < settings.Vms.Count + settings.Containers.Count; t++)
        {
            entities += t < settings.Vms.Count ? settings.Vms[t].Count : settings.Containers[t - settings.Vms.Count].Count;
            if (hosts + entities * 2 < SimCore.Kernel.EventSource.MaxSources) continue;
            sections[t].Report("count", true, $"{entities} VMs and containers on {hosts} servers exceed the {SimCore.Kernel.EventSource.MaxSources} event sources the kernel orders by");
            return false;
        }
        return true;
    }

    private string KernelName(int kernel) =>
        kernel < 0 ? $"VM {settings.Vms[_entities[-kernel - 1].Template].Name}-{_entities[-kernel - 1].Ordinal}" : $"host {kernel}";

    private static long Mib(long bytes) => bytes >> 20;
}
