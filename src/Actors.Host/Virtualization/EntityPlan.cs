using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Virtualization;

public enum EntityKind : byte { Vm, Container }

/// <summary>
/// One VM or container as placed: its endpoint id, the server that holds it, the VM it runs in (containers in
/// VMs), and its slot among the guests of its kernel (a bridge-networked container's address on docker0).
/// </summary>
public readonly record struct PlannedEntity(int Endpoint, EntityKind Kind, int Template, int Ordinal, int Server, int ParentVm, int Slot, int FirstPinnedCore);

/// <summary>
/// Where every VM and container goes, which endpoint and address each has, and how other endpoints reach it:
/// computed from the scenario alone, the same in every partition and process.
/// </summary>
/// <remarks>
/// Endpoint ids: 0..H-1 are the servers' own stacks (host h is endpoint h, as before VMs existed), then one per
/// entity in template order — VMs of vms[0], vms[1], ..., then containers. Addresses follow a plan: servers, VMs
/// and macvlan containers get 10.0.0.0/8 + endpoint id with MAC 02:00 + id (a template's `subnet` assigns its
/// VMs' or macvlan containers' IPv4 addresses instead); a bridge-networked container gets
/// Docker's private 172.17.0.2 + its slot on its kernel's bridge, MAC 02:42 + its IPv4 (as Docker derives it);
/// a host-networked container shares its kernel's address. Entities are also event sources of their own
/// (<see cref="SimCore.Kernel.EventSource"/>), with ids after the model's LPs.
/// </remarks>
public sealed class EntityPlan
{
    /// <summary>Docker's default bridge network, 172.17.0.0/16: the gateway is .1, containers from .2.</summary>
    public const uint DockerSubnet = 0xAC11_0000;

    private readonly VirtualizationSettings _settings;
    private readonly PlannedEntity[] _entities;
    private readonly int _hosts;
    private readonly int[] _byServer;
    private readonly Dictionary<string, (int First, int Count)> _templates;

    internal EntityPlan(VirtualizationSettings settings, int hosts, PlannedEntity[] entities)
    {
        _settings = settings;
        _hosts = hosts;
        _entities = entities;
        _byServer = IndexByServer(entities);
        _templates = IndexTemplates();
    }

    public int Hosts => _hosts;
    public IReadOnlyList<PlannedEntity> Entities => _entities;
    public int EndpointCount => _hosts + _entities.Length;
    public VirtualizationSettings Settings => _settings;

    /// <summary>The entities server <paramref name="server"/> holds, in plan order (VMs before containers).</summary>
    public ReadOnlySpan<int> OnServer(int server)
    {
        var first = FirstOnServerFrom(server);
        return _byServer.AsSpan(first, FirstOnServerFrom(server + 1) - first);
    }

    /// <summary>The position in <see cref="_byServer"/> of the first entity on a server numbered at least <paramref name="server"/>.</summary>
    private int FirstOnServerFrom(int server)
    {
        int lo = 0, hi = _byServer.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entities[_byServer[mid]].Server < server) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// Entity indices ordered by server, then by plan order: sorted keys (server, index) cost memory per entity only, not per
    /// server — a scenario may list millions of servers and no VM.
    /// </summary>
    private static int[] IndexByServer(PlannedEntity[] entities)
    {
        var keys = new long[entities.Length];
        for (var i = 0; i < keys.Length; i++) keys[i] = ((long)entities[i].Server << 32) | (uint)i;
        // Array.Sort<long> is JIT-compiled (ReadyToRun leaves generic code over value types out): not called for nothing to sort.
        if (keys.Length > 1) Array.Sort(keys);
        var byServer = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++) byServer[i] = (int)keys[i];
        return byServer;
    }

    /// <summary>
    /// The endpoints a name stands for: a VM's or container's own name (web-0), or a template's name (web) for all of
    /// its VMs or containers.
    /// </summary>
    public bool TryResolve(string name, out List<int> endpoints)
    {
        endpoints = [];
        var dash = name.LastIndexOf('-');
        if (dash > 0 && int.TryParse(name.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal)
            && _templates.TryGetValue(name[..dash], out var of) && ordinal < of.Count)
        {
            endpoints.Add(_entities[of.First + ordinal].Endpoint);
            return true;
        }
        if (!_templates.TryGetValue(name, out var all)) return false;
        for (var i = all.First; i < all.First + all.Count; i++) endpoints.Add(_entities[i].Endpoint);
        return true;
    }

    /// <summary>
    /// Each template's entities by name: the planner adds a template's VMs or containers in a row, ordinal 0 first, so
    /// NAME-i is entity First + i (names are unique over VM and container templates).
    /// </summary>
    private Dictionary<string, (int First, int Count)> IndexTemplates()
    {
        var templates = new Dictionary<string, (int First, int Count)>(StringComparer.Ordinal);
        for (var i = 0; i < _entities.Length; i++)
        {
            var name = TemplateName(i);
            templates[name] = templates.TryGetValue(name, out var t) ? (t.First, t.Count + 1) : (i, 1);
        }
        return templates;
    }

    /// <summary>The names a scenario may use, for error messages.</summary>
    public string DescribeNames()
    {
        var templates = _settings.Vms.Select(v => v.Name).Concat(_settings.Containers.Select(c => c.Name)).ToList();
        return templates.Count == 0 ? "the scenario has no VMs or containers" : $"templates: {string.Join(", ", templates)} (VMs and containers are NAME-0, NAME-1, ...)";
    }

    private string TemplateName(int entity) =>
        _entities[entity].Kind == EntityKind.Vm ? _settings.Vms[_entities[entity].Template].Name : _settings.Containers[_entities[entity].Template].Name;

    /// <summary>The entity index of an endpoint, or -1 for a server's own stack.</summary>
    public int EntityOf(int endpoint) => endpoint < _hosts ? -1 : endpoint - _hosts;

    public PlannedEntity Entity(int index) => _entities[index];

    public string NameOf(int entity) => $"{TemplateName(entity)}-{_entities[entity].Ordinal}";

    /// <summary>The display name of an endpoint: a server's name is given by the caller's layout, an entity's is its own.</summary>
    public string EndpointName(int endpoint, Func<int, string> serverName) => endpoint < _hosts ? serverName(endpoint) : NameOf(endpoint - _hosts);

    public VmTemplate VmTemplateOf(int entity) => _settings.Vms[_entities[entity].Template];
    public ContainerTemplate ContainerTemplateOf(int entity) => _settings.Containers[_entities[entity].Template];

    /// <summary>The server that holds an endpoint.</summary>
    public int ServerOf(int endpoint) => endpoint < _hosts ? endpoint : _entities[endpoint - _hosts].Server;

    /// <summary>The endpoint of the kernel a container shares: its VM's, or its server's own.</summary>
    public int KernelEndpointOf(int entity) => _entities[entity] is { ParentVm: >= 0 } c ? _hosts + c.ParentVm : _entities[entity].Server;

    /// <summary>The address an endpoint's packets carry as their source.</summary>
    public EndpointAddress AddressOf(int endpoint)
    {
        if (endpoint < _hosts) return EndpointAddress.Planned(endpoint);
        var e = _entities[endpoint - _hosts];
        if (e.Kind == EntityKind.Vm) return Assigned(endpoint, _settings.Vms[e.Template].Subnet, e.Ordinal);
        return _settings.Containers[e.Template].Network switch
        {
            ContainerNetwork.Bridge => DockerAddress(endpoint, e.Slot),
            ContainerNetwork.Host => AddressOf(KernelEndpointOf(endpoint - _hosts)) with { Id = endpoint },
            _ => Assigned(endpoint, _settings.Containers[e.Template].Subnet, e.Ordinal),
        };
    }

    /// <summary>
    /// How another endpoint reaches <paramref name="endpoint"/>'s service on <paramref name="port"/>: the endpoint and address
    /// a packet is sent to, and the destination port. A bridge-networked container is reached through its kernel's address
    /// and the host port published for <paramref name="port"/> (its own private address is not routable from outside).
    /// </summary>
    public (EndpointAddress Address, ushort Port) Reach(int endpoint, ushort port, byte protocol)
    {
        if (endpoint >= _hosts && _entities[endpoint - _hosts] is { Kind: EntityKind.Container } e
            && _settings.Containers[e.Template].Network == ContainerNetwork.Bridge)
        {
            var kernel = AddressOf(KernelEndpointOf(endpoint - _hosts));
            foreach (var p in _settings.Containers[e.Template].Publish)
                if (p.ContainerPort == port && p.Protocol == protocol) return (kernel, p.HostPort);
            return (kernel, port); // not published: the kernel's own stack gets it, as the real host would
        }
        return (AddressOf(endpoint), port);
    }

    /// <summary>The planned address, or the template's subnet's (ordinal + 1)-th address with the planned MAC.</summary>
    private static EndpointAddress Assigned(int endpoint, Ipv4Subnet? subnet, int ordinal) =>
        subnet is { } net ? EndpointAddress.Planned(endpoint) with { Ipv4 = net.Address(ordinal) } : EndpointAddress.Planned(endpoint);

    /// <summary>Docker's address for the container in slot <paramref name="slot"/> of a bridge: 172.17.0.2 + slot, MAC 02:42 + IPv4.</summary>
    public static EndpointAddress DockerAddress(int endpoint, int slot)
    {
        var ip = DockerSubnet + 2 + (uint)slot;
        return new EndpointAddress(endpoint, 0x0242_0000_0000UL | ip, ip);
    }

    /// <summary>Which server hosts each endpoint, for the fabric.</summary>
    public LocationTable Locations()
    {
        var servers = new int[EndpointCount];
        for (var i = 0; i < servers.Length; i++) servers[i] = ServerOf(i);
        return new LocationTable(servers);
    }
}
