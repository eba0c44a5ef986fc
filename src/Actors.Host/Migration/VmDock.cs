using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Where migrated VMs arrive on a server: for each migration that comes here, the host switch's port kept free for it, the cores its
/// vCPUs take, and how the server makes its vNIC. On arrival (a control message at the end of the downtime) the VM's guest joins this
/// server's LP with its pending events, gets a vNIC on its port, the switch learns its MACs there, and the fabric and the source
/// hear its announcement.
/// </summary>
internal sealed class VmDock(string path, int server, HostSwitch hostSwitch, MigrationHandoff handoff, FabricAnnouncer announcer,
    Func<int, ResidentVm, int, (IReadOnlyList<Component> Attachment, Component Vnic, int GuestSide)> attach, MigrationObserver observer)
    : Component(path, "vm-dock")
{
    /// <summary>The control message: migration <c>Sequence</c>'s VM has arrived.</summary>
    public const int Arrive = 1;

    private readonly Dictionary<int, (int Port, int FirstCore)> _arrivals = [];
    private long _arrived;

    /// <summary>Keeps <paramref name="switchPort"/> and cores from <paramref name="firstCore"/> for migration <paramref name="migration"/>.</summary>
    public void Expect(int migration, int switchPort, int firstCore) => _arrivals.Add(migration, (switchPort, firstCore));

    public int Server => server;

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    public override void OnControl(int code, in Packet details)
    {
        if (code == Arrive) OnArrival(details.Sequence);
        else base.OnControl(code, in details);
    }

    private void OnArrival(int migration)
    {
        var (guest, vm, agent) = handoff.Receive(migration);
        var (port, firstCore) = _arrivals[migration];
        var lp = Owner;
        vm.Vcpus.MoveTo(((Servers.Server)lp).Cpu, firstCore);
        lp.Adopt(guest, Now);
        foreach (var stack in vm.Guest.OfType<Endpoints.EndpointStack>()) stack.DeliveryObserver = observer.Observe;
        var (attachment, vnic, guestSide) = attach(migration, vm, port);
        lp.Connect(vnic, guestSide, vm.GuestUplink.Component, vm.GuestUplink.Port);
        vm.Attachment = attachment;
        vm.SwitchPort = (hostSwitch.Switch, port);
        vm.Bond = vnic as Sriov.GuestBond;
        foreach (var mac in vm.Macs) hostSwitch.Learn(mac, port, Now);
        announcer.Announce(lp, server, vm.Endpoints, Now);
        // The source learns it from the announcement too, when the broadcast reaches it.
        var heard = new Packet { Sequence = migration, DestinationEndpoint = server };
        lp.SendControl(agent.Owner.Id, announcer.ReachesServer(server, agent.Owner.Id, Now), agent.Index, MigrationAgent.Announced, in heard);
        _arrived++;
    }

    public override void WriteCounters(ComponentCounters counters, long now) => counters["vms_arrived"] = _arrived;
}
