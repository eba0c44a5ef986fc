using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Bridges;
using DcSim.ActorsNic;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What a server that switches VMs needs for the live migrations a shell directive starts while the run goes on (<c>migrate VM SERVER</c>,
/// docs/directives.md). As a source: the VMs it holds (built here or arrived) and the agents of those that leave. As a destination: the
/// desk and the dock — those planned arrivals made at the start, else made when the first such move's first message arrives — and for
/// each VM a new port on the bridge and the cores after those dealt so far.
/// </summary>
/// <remarks>
/// The source cannot know the destination's component indices (VMs that come and go change them): its agent addresses the desk as
/// <see cref="MigrationDesk.Anywhere"/>, which the server hands here. Its first message (<see cref="MigrationDesk.Prepare"/>, naming the VM)
/// leaves when the migration starts, ahead of its stream's first byte, so the dock is ready on any partitioning.
/// </remarks>
internal sealed class DirectedMigrations(int host, EntityPlan plan, EndpointStack hostStack, HostSwitch hostSwitch, FabricAnnouncer announcer,
    long linkBitsPerSecond)
{
    private readonly Dictionary<int, ResidentVm> _held = [];
    /// <summary>The VMs built here that nothing has moved yet (default once made): what moving one takes is made when a directive first names it.</summary>
    private BuiltVm[] _built = [];
    private readonly Dictionary<int, MigrationAgent> _leaving = [];
    private MigrationDesk? _desk;
    private VmDock? _dock;

    /// <summary>The bridge VMs attach to here; null under OVS, whose OpenFlow ports are fixed when the run starts.</summary>
    public LinuxBridge? Bridge { get; init; }

    public SriovNic? Sriov { get; init; }

    /// <summary>Makes what moving a VM built here takes, from where its parts are.</summary>
    public required Func<BuiltVm, ResidentVm> Resident { get; init; }

    /// <summary>Makes the dock where VMs arrive here, measured by the observer given.</summary>
    public required Func<MigrationObserver, VmDock> NewDock { get; init; }

    /// <summary>The server's traffic observer, when moves planned in the scenario touch it; else made by the first directive's move.</summary>
    public MigrationObserver? Observer { get; set; }

    /// <summary>The vCPUs dealt to cores here so far (VMs placed and arriving): an arriving VM's take the next cores.</summary>
    public int VcpusDealt { get; set; }

    /// <summary>The desk and dock planned arrivals made at the start.</summary>
    public void Planned(MigrationDesk desk, VmDock dock)
    {
        _desk = desk;
        _dock = Docked(dock);
    }

    private VmDock Docked(VmDock dock)
    {
        dock.Arrived = Hold;
        return dock;
    }

    /// <summary>The VM is on this server (built here or arrived): a directive may move it.</summary>
    public void Hold(ResidentVm vm) => _held[vm.Entity] = vm;

    /// <summary>The VMs built here that no planned move takes: a directive may move them.</summary>
    public void Built(BuiltVm[] vms) => _built = vms;

    /// <summary>The agent of a planned migration leaving here: the VM is migrating until it is handed over or the migration is aborted.</summary>
    public void Leaves(MigrationAgent agent) => _leaving[agent.Request.Entity] = agent;

    /// <summary>VM <paramref name="entity"/> if it runs on <paramref name="server"/> now (not stopped for a migration, not gone).</summary>
    public ResidentVm? Held(Server server, int entity)
    {
        if (!_held.ContainsKey(entity) && Array.FindIndex(_built, b => b.Source is not null && b.Entity == entity) is var i and >= 0)
        {
            Hold(Resident(_built[i]));
            _built[i] = default;
        }
        return _held.TryGetValue(entity, out var vm) && vm.Guest[0] is var g && g.Index < server.Components.Count && ReferenceEquals(server.Components[g.Index], g)
            ? vm : null;
    }

    /// <summary>The agent of VM <paramref name="entity"/>'s migration from here that is not over yet (not started, or going on); else null.</summary>
    public MigrationAgent? Migrating(int entity) =>
        _leaving.TryGetValue(entity, out var agent) && agent.Phase is not (MigrationPhase.Completed or MigrationPhase.Aborted) && !agent.HandedOver ? agent : null;

    /// <summary>Starts <paramref name="request"/>'s agent on <paramref name="server"/> now, measuring the traffic here from now.</summary>
    public MigrationAgent Start(Server server, MigrationRequest request, ResidentVm vm)
    {
        var agent = server.Add(new MigrationAgent($"{server.Name}/migration{request.Index}", request, vm, hostStack, hostSwitch, new MigrationHandoff(),
            announcer, host, linkBitsPerSecond));
        ObserverOf(server).Include(agent);
        _leaving[vm.Entity] = agent;
        agent.Start();
        return agent;
    }

    /// <summary>A message of a directive's move to this server's desk (<see cref="MigrationDesk.Anywhere"/>).</summary>
    public void OnNotice(Server server, int code, in Packet details)
    {
        var desk = _desk ??= NewDesk(server);
        if (code != MigrationDesk.Prepare)
        {
            desk.OnControl(code, in details);
            return;
        }
        var notice = MigrationNotice.Read(in details);
        var entity = (int)notice.Value;
        var dock = _dock ??= desk.Vms = Docked(NewDock(ObserverOf(server)));
        dock.Expect(notice.Migration, Bridge!.AddPort(), (1 + VcpusDealt) % server.Cpu.Cores);
        VcpusDealt += plan.VmTemplateOf(entity).Vcpus;
        desk.Measure(notice.Migration);
        var mac = hostStack.Resolve(plan.Entity(entity).Endpoint).Mac;
        if (Sriov is { } nic && !nic.HasAddress(mac)) nic.AddPfAddress(mac);
    }

    private MigrationDesk NewDesk(Server server)
    {
        var desk = server.Add(new MigrationDesk($"{server.Name}/migration-desk", host, announcer));
        hostStack.MigrationReceiver = desk;
        ObserverOf(server).Include(desk);
        return desk;
    }

    /// <summary>The server's observer; made, and told of every stack here, by the first move a directive brings to a server that had none.</summary>
    private MigrationObserver ObserverOf(Server server)
    {
        if (Observer is { } observer) return observer;
        Observer = observer = new MigrationObserver(() => []);
        foreach (var stack in server.Components.OfType<EndpointStack>()) stack.DeliveryObserver = observer.Observe;
        return observer;
    }
}
