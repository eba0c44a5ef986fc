using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Migration;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;

namespace DcSim.ActorsHost.Servers;

/// <summary>Live migrations (docs/migration.md): the agents of the VMs that leave a server, the dock where VMs arrive.</summary>
internal sealed partial class ServerBuilder
{
    /// <summary>
    /// Adds, after everything else on the server, an agent per migration leaving it (in list order) and, if VMs arrive here, the dock
    /// with a switch port (from <paramref name="firstFreePort"/>) and cores for each.
    /// </summary>
    private void BuildMigrations(Server server, int host, HostSwitch hostSwitch, EndpointStack hostStack, HostCores hostCores, int firstFreePort,
        List<MigrationRequest> arrivals)
    {
        foreach (var m in _dc.Migrations.Where(m => Plan.Entity(m.Entity).Server == host))
            _handoff.Register(m.Index, server.Add(new MigrationAgent($"{server.Name}/migration{m.Index}", m, _residents[m.Entity], hostStack, hostSwitch,
                _handoff, _announcer, m.ToServer, _dc.Topology.HostLink.Rate.BitsPerSecond)));
        if (arrivals.Count == 0) return;
        hostStack.MigrationReceiver = _handoff.Receiver;
        var dock = server.Add(new VmDock($"{server.Name}/vm-dock", host, hostSwitch, _handoff, _announcer,
            (vm, port) => Attach(server, vm, hostSwitch.Switch, port, hostCores)));
        // vCPUs of arriving VMs go after those planned here, as the planner deals cores (core 0 left to the host).
        var vcpusPlaced = Plan.OnServer(host).ToArray().Where(e => Plan.Entity(e).Kind == EntityKind.Vm).Sum(e => Plan.VmTemplateOf(e).Vcpus);
        for (var i = 0; i < arrivals.Count; i++)
        {
            dock.Expect(arrivals[i].Index, firstFreePort + i, (1 + vcpusPlaced) % server.Cpu.Cores);
            vcpusPlaced += Plan.VmTemplateOf(arrivals[i].Entity).Vcpus;
        }
        _handoff.Register(host, dock);
    }

    /// <summary>
    /// The vNIC an arriving VM gets here: a virtio NIC on its switch port (a bonded VM's backup kind; the userspace datapath's vhost-user
    /// under OVS-DPDK), built as at the start, in the VM's own event order.
    /// </summary>
    private (IReadOnlyList<Component> Attachment, Component Vnic, int GuestSide) Attach(Server server, ResidentVm vm, Component vmSwitch, int port,
        HostCores hostCores)
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
        var vnic = VirtioVnic(server, $"{server.Name}/{vm.Name}/eth0", vmSwitch, port, backend, vm.Vcpus, profile, hostCores);
        vnic.BelongTo(vm.Source);
        return ([vnic], vnic, ActorsNic.VirtioNic.GuestSide);
    }

    /// <summary>How the VM dirties its memory.</summary>
    private static DirtyPageModel MemoryOf(VmTemplate template) => DirtyPageModel.Uniform(template.MemoryBytes, 0);
}
