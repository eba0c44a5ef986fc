namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// The capacity rule of servers for VMs, kept in one place for placement (<see cref="EntityPlanner"/>) and for live
/// migrations: a server takes a VM while it has a hypervisor, the vCPUs placed on it fit its cores times its
/// vcpu-overcommit and their memory fits its memory. Containers take no room (they share their kernel's).
/// </summary>
internal sealed class ServerRoom
{
    private readonly IReadOnlyList<ServerProfile> _profiles;
    private readonly int _coresPerServer;
    private readonly int[] _vcpus;
    private readonly long[] _memory;

    /// <param name="hosts">Servers tracked: 0 when there are no VMs (a scenario may have millions of servers and no VM).</param>
    public ServerRoom(IReadOnlyList<ServerProfile> profiles, int hosts, int coresPerServer)
    {
        _profiles = profiles;
        _coresPerServer = coresPerServer;
        _vcpus = new int[hosts];
        _memory = new long[hosts];
    }

    /// <summary>The room left on every server once <paramref name="plan"/>'s VMs are placed.</summary>
    public static ServerRoom After(EntityPlan plan, int coresPerServer)
    {
        var room = new ServerRoom(plan.Settings.Profiles, plan.Hosts, coresPerServer);
        for (var e = 0; e < plan.Entities.Count; e++)
            if (plan.Entity(e).Kind == EntityKind.Vm) room.Place(plan.Entity(e).Server, plan.VmTemplateOf(e));
        return room;
    }

    public int VcpusPlaced(int host) => _vcpus[host];
    public long MemoryPlaced(int host) => _memory[host];

    /// <summary>The vCPUs a server takes: its cores times its over-commit ratio.</summary>
    public long VcpuLimit(int host) => (long)_coresPerServer * _profiles[host].VcpuOvercommit;

    public bool Fits(int host, VmTemplate t)
    {
        var p = _profiles[host];
        return p.Hypervisor != HypervisorKind.None
            && _vcpus[host] + (long)t.Vcpus <= VcpuLimit(host)
            && _memory[host] + t.MemoryBytes <= p.MemoryBytes;
    }

    public void Place(int host, VmTemplate t)
    {
        _vcpus[host] += t.Vcpus;
        _memory[host] += t.MemoryBytes;
    }

    public void Remove(int host, VmTemplate t)
    {
        _vcpus[host] -= t.Vcpus;
        _memory[host] -= t.MemoryBytes;
    }
}
