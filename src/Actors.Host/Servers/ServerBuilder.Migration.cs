using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsHost.Sriov;
using DcSim.ActorsNic;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;

namespace DcSim.ActorsHost.Servers;

/// <summary>Live migrations (docs/migration.md): the agents of the VMs that leave a server, the dock where VMs arrive.</summary>
internal sealed partial class ServerBuilder
{
    /// <summary>
    /// Adds, after everything else on the server, an agent per migration leaving it (in list order) and, if VMs arrive here, the dock
    /// with a switch port (from <paramref name="firstFreePort"/>) and cores for each; and what the shell's directives need to move the
    /// server's VMs (<paramref name="vms"/>, on its switch) elsewhere and VMs here (<see cref="DirectedMigrations"/>).
    /// </summary>
    /// <param name="vfOf">The VF kept for each arriving bonded VM that gets one, by migration.</param>
    private void BuildMigrations(Server server, int host, HostSwitch hostSwitch, EndpointStack hostStack, HostCores hostCores, int firstFreePort,
        List<MigrationRequest> arrivals, Dictionary<int, int> vfOf, SriovNic? nic, MigrationObserver? observer, MigrationDesk? desk, StartupContention startup,
        List<int> vms)
    {
        var moves = new DirectedMigrations(host, Plan, hostStack, hostSwitch, _announcer, layout.Graph.LinkOf(host).Rate.BitsPerSecond)
        {
            Bridge = hostSwitch.Switch as ActorsNetwork.Bridges.LinuxBridge,
            Sriov = nic,
            Observer = observer,
            NewDock = o => NewDock(server, host, hostSwitch, hostCores, vfOf, nic, o, startup),
            Resident = vm => Resident(server, vm),
            // vCPUs of arriving VMs go after those planned here, as the planner deals cores (core 0 left to the host).
            VcpusDealt = Plan.OnServer(host).ToArray().Where(e => Plan.Entity(e).Kind == EntityKind.Vm).Sum(e => Plan.VmTemplateOf(e).Vcpus),
        };
        Shell.Moves(server, moves);
        var planned = _dc.Migrations.Where(m => Plan.Entity(m.Entity).Server == host && m.Container is null).ToList();
        var residents = planned.Select(m => m.Entity).Distinct().ToDictionary(vm => vm, vm => Resident(server, _builtVms[vm]));
        foreach (var resident in residents.Values) moves.Hold(resident);
        moves.Built([.. vms.Where(vm => !residents.ContainsKey(vm)).Select(vm => _builtVms[vm])]);
        foreach (var m in planned)
        {
            var agent = server.Add(new MigrationAgent($"{server.Name}/migration{m.Index}", m, residents[m.Entity], hostStack, hostSwitch,
                _handoff, _announcer, host, layout.Graph.LinkOf(host).Rate.BitsPerSecond)
            {
                Successor = _dc.Migrations.FirstOrDefault(n => n.After == m.Index)?.Index ?? -1,
            });
            _handoff.Register(m.Index, agent);
            moves.Leaves(agent);
        }
        _builtVms.Clear();
        if (arrivals.Count == 0) return;
        hostStack.MigrationReceiver = desk;
        var dock = NewDock(server, host, hostSwitch, hostCores, vfOf, nic, observer!, startup);
        desk!.Vms = dock;
        moves.Planned(desk, dock);
        for (var i = 0; i < arrivals.Count; i++)
        {
            dock.Expect(arrivals[i].Index, firstFreePort + i, (1 + moves.VcpusDealt) % server.Cpu.Cores);
            moves.VcpusDealt += Plan.VmTemplateOf(arrivals[i].Entity).Vcpus;
            desk.Measure(arrivals[i].Index);
        }
    }

    /// <summary>The dock where VMs arrive on the server; an arriving bonded VM with a VF kept for it (<paramref name="vfOf"/>) gets it.</summary>
    private VmDock NewDock(Server server, int host, HostSwitch hostSwitch, HostCores hostCores, Dictionary<int, int> vfOf, SriovNic? nic,
        MigrationObserver observer, StartupContention startup) =>
        server.Add(new VmDock($"{server.Name}/vm-dock", host, hostSwitch, _announcer,
            (migration, vm, port) => Attach(server, vm, hostSwitch, port, hostCores, vfOf.TryGetValue(migration, out var vf) ? (nic!, vf) : null), observer,
            VmBoundary.Arriving(server, directory, Tcp, startup)));

    /// <summary>
    /// The desk of a server that <paramref name="arriving"/> moves come to, as component <see cref="MigrationDesk.At"/> (right after the NIC),
    /// where their sources, in any partition, address it; null without arrivals.
    /// </summary>
    private MigrationDesk? Desk(Server server, int host, int arriving)
    {
        if (arriving == 0) return null;
        var desk = server.Add(new MigrationDesk($"{server.Name}/migration-desk", host, _announcer));
        return desk.Index == MigrationDesk.At ? desk
            : throw new InvalidOperationException($"{server.Name}: the migration desk must be component {MigrationDesk.At}");
    }

    /// <summary>
    /// The traffic delivered on both ends of each move (a VM's or a container's) is measured around it — here, by the agents of the moves
    /// leaving and by the desk for the moves arriving: null when no move touches the server.
    /// </summary>
    private MigrationObserver? ObserveMigrations(Server server, int host, MigrationDesk? desk)
    {
        var leaving = _dc.Migrations.Where(m => Plan.Entity(m.Entity).Server == host).Select(m => m.Index).ToList();
        if (leaving.Count == 0 && desk is null) return null;
        var handoff = _handoff;
        var observer = new MigrationObserver(() => [.. leaving.Select(handoff.MeasuredOf), .. desk is null ? Array.Empty<IMeasuredMigration>() : [desk]]);
        foreach (var stack in server.Components.OfType<EndpointStack>()) stack.DeliveryObserver = observer.Observe;
        return observer;
    }

    /// <summary>
    /// Containers' moves (docs/migration.md, "Containers"): an agent per container leaving this server (in list order) and, if containers
    /// arrive here, the dock that takes them into the host kernel (<paramref name="kernel"/>, its router).
    /// </summary>
    /// <param name="vmSwitch">The switch VMs attach to here and the host kernel's port on it; null without VMs.</param>
    private void BuildContainerMoves(Server server, int host, EndpointStack hostStack, Component kernel, Processor networkCore, StartupContention startup,
        (HostSwitch Switch, int HostPort)? vmSwitch, List<MigrationRequest> arrivals, MigrationDesk? desk)
    {
        Action<ulong, long>? behindUplink = vmSwitch is { } s ? (mac, now) => s.Switch.Learn(mac, s.Switch.UplinkPort, now) : null;
        foreach (var m in _dc.Migrations.Where(m => Plan.Entity(m.Entity).Server == host && m.Container is not null))
            _handoff.Register(m.Index, server.Add(new ContainerMoveAgent($"{server.Name}/migration{m.Index}", m, _movingContainers[m.Entity], hostStack,
                behindUplink, _announcer)));
        if (arrivals.Count == 0) return;
        hostStack.MigrationReceiver = desk;
        Action<ulong, long>? onHostPort = vmSwitch is { } v ? (mac, now) => v.Switch.Learn(mac, v.HostPort, now) : null;
        var dock = desk!.Containers = server.Add(new ContainerDock($"{server.Name}/container-dock", host, (ActorsNetwork.Links.EndpointRouter)kernel, networkCore,
            Step(Costs.Container.Macvlan), startup, Free, onHostPort, _announcer, hostStack.DeliveryObserver, desk,
            VmBoundary.Arriving(server, directory, Tcp, startup)));
        foreach (var m in arrivals)
        {
            var endpoint = Plan.Entity(m.Entity).Endpoint;
            dock.Expect(m.Index, new ContainerArrival(Plan.NameOf(m.Entity), endpoint, directory[endpoint].Mac,
                Costs.Runtime(Plan.ContainerTemplateOf(m.Entity).Runtime), m.Container!.Method));
            desk.Measure(m.Index);
        }
    }

    /// <summary>What moving VM <paramref name="vm"/> takes (<see cref="ResidentVm"/>), from where BuildVm put its parts on <paramref name="server"/>.</summary>
    private ResidentVm Resident(Server server, BuiltVm vm)
    {
        var e = Plan.Entity(vm.Entity);
        var containers = Plan.OnServer(e.Server).ToArray().Where(c => Plan.Entity(c).ParentVm == vm.Entity).ToList();
        int[] endpoints = [e.Endpoint, .. containers.Select(c => Plan.Entity(c).Endpoint)];
        ulong[] macs = [directory[e.Endpoint].Mac,
            .. containers.Where(c => Plan.ContainerTemplateOf(c).Network == ContainerNetwork.Macvlan).Select(c => directory[Plan.Entity(c).Endpoint].Mac)];
        var parts = server.Components;
        return new ResidentVm(vm.Entity, Plan.NameOf(vm.Entity), vm.Source, endpoints, macs,
            parts.Skip(vm.AttachmentEnd).Take(vm.GuestEnd - vm.AttachmentEnd).ToList(), (vm.GuestUplink, vm.GuestUplinkPort), vm.Vcpus,
            Plan.VmTemplateOf(vm.Entity).DirtyModel)
        {
            Attachment = parts.Skip(vm.AttachmentStart).Take(vm.AttachmentEnd - vm.AttachmentStart).ToList(),
            SwitchPort = (vm.AttachedTo, vm.AttachPort),
            Bond = vm.Bond,
        };
    }

    /// <summary>
    /// The vNIC an arriving VM gets here: a virtio NIC on its switch port (a bonded VM's backup kind; the userspace datapath's vhost-user
    /// under OVS-DPDK), built as at the start, in the VM's own event order; with a VF kept for it, the VF's driver and the bond too, the
    /// VF hot-plugged at once (up after the VF's ready time, active from the bond's next link check).
    /// </summary>
    private (IReadOnlyList<Component> Attachment, Component Vnic, int GuestSide) Attach(Server server, ResidentVm vm, HostSwitch hostSwitch, int port,
        HostCores hostCores, (SriovNic Nic, int Vf)? vf)
    {
        _free = V.FreeStacks || V.Profiles[server.Id].FreeStacks;
        var template = Plan.VmTemplateOf(vm.Entity);
        var backend = template.Vnic switch
        {
            VnicBackend.VfBond => template.Bond!.Backup,
            VnicBackend.Vf => V.Profiles[server.Id].VfFallbackVnic,
            var other => other,
        };
        if (V.Profiles[server.Id].VmSwitch == VmSwitchKind.Ovs && _dc.Server.VSwitch.Datapath == ActorsNetwork.Ovs.VSwitchDatapath.Netdev)
            backend = VnicBackend.VhostUser;
        var profile = Costs.Hypervisor(V.Profiles[server.Id].Hypervisor);
        var path = $"{server.Name}/{vm.Name}";
        var vnic = VirtioVnic(server, path, hostSwitch.Switch, port, backend, vm.Vcpus, profile, hostCores);
        vnic.BelongTo(vm.Source);
        if (vf is not { } slot) return ([vnic], vnic, ActorsNic.VirtioNic.GuestSide);
        var driver = VfDriver(server, path, slot.Nic, SriovNic.VfPort(slot.Vf), vm.Vcpus, profile);
        var bond = BuildBond(server, path, vm.Entity, vm.Source, template.Bond!, slot.Nic, slot.Vf, driver, vnic, arriving: true);
        var mac = directory[Plan.Entity(vm.Entity).Endpoint].Mac;
        bond.PeersNotified = (active, now) => hostSwitch.Learn(mac, active == BondSlave.Vf ? hostSwitch.UplinkPort : port, now);
        bond.AttachVf();
        return ([driver, vnic, bond], bond, GuestBond.GuestPort);
    }
}
