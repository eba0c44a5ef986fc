using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Where migrated VMs arrive on a server: for each migration that comes here, the host switch's port kept free for it, the cores its
/// vCPUs take, and how the server makes its vNIC. On arrival (the <see cref="MigrationDesk"/> hears it at the end of the downtime) the
/// VM's state, which came ahead as bytes (<see cref="MigrationParcel"/>), is read back and bound to this server; its guest joins this
/// server's LP with its pending events, gets a vNIC on its port, the switch learns its MACs there, and the fabric and the source hear
/// its announcement.
/// </summary>
internal sealed class VmDock(string path, int server, HostSwitch hostSwitch, FabricAnnouncer announcer,
    Func<int, ResidentVm, int, (IReadOnlyList<Component> Attachment, Component Vnic, int GuestSide)> attach, MigrationObserver observer,
    Func<string, object?> bind) : Component(path)
{
    public override string Kind => "vm-dock";

    private readonly SortedDictionary<int, (int Port, int FirstCore)> _arrivals = [];
    private readonly HashSet<int> _arrived = [];

    /// <summary>Keeps <paramref name="switchPort"/> and cores from <paramref name="firstCore"/> for migration <paramref name="migration"/>.</summary>
    public void Expect(int migration, int switchPort, int firstCore) => _arrivals.Add(migration, (switchPort, firstCore));

    public bool Expects(int migration) => _arrivals.ContainsKey(migration);

    /// <summary>Told of each VM that runs here once it arrived (a directive may move it on).</summary>
    public Action<ResidentVm>? Arrived { get; set; }

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    /// <summary>Migration <paramref name="migration"/>'s VM runs here from now; its agent is component <paramref name="sourceAgent"/> of <paramref name="sourceServer"/>.</summary>
    public void Arrive(int migration, int sourceServer, ushort sourceAgent)
    {
        var (guest, vm) = Unpack(migration) ?? throw new InvalidOperationException($"{Path}: migration {migration}'s VM arrived without its state");
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
        lp.SendControl(sourceServer, announcer.ReachesServer(server, sourceServer, Now), sourceAgent, MigrationAgent.Announced, in heard);
        _arrived.Add(migration);
        Arrived?.Invoke(vm);
    }

    private VmInTransit? Unpack(int migration) => Owner.TakeParcel(migration) is { } bytes ? MigrationParcel.Open<VmInTransit>(bytes, bind) : null;

    /// <summary>A VM on its way here when the run ends is in no server: its results (and the packets it holds, in flight) are reported from here.</summary>
    public void ReportInTransit(ResultsBuilder results, long endTime)
    {
        foreach (var migration in _arrivals.Keys)
            if (!_arrived.Contains(migration) && Unpack(migration) is { } moving) moving.Guest.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now) => counters["vms_arrived"] = _arrived.Count;
}
