using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Links;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>What a server needs to know of a container that moves to it: the container itself travels as its stack's state.</summary>
internal sealed record ContainerArrival(string Name, int Endpoint, ulong Mac, RuntimeProfile Runtime, ContainerMoveMethod Method);

/// <summary>
/// Where containers that move arrive on a server (docs/migration.md, "Containers"). On arrival (the <see cref="MigrationDesk"/> hears it)
/// the container's stack, which came ahead as bytes (<see cref="MigrationParcel"/>), is read back and bound to this server; it joins this
/// server's LP, its work moves to the host kernel's network core, and the kernel gets a macvlan device for it (a port of its router, the
/// container's own MAC and address). A restarted container then starts as a new one would here (the runtime's namespace set-up,
/// serialised per kernel, and its start), the source hears when it runs, and it announces itself then; a restored one (CRIU) runs and
/// announces itself at once. The announcement teaches this server's VM switch (if any) the MAC on the host kernel's port, every fabric
/// switch the new server, and the source's switch the uplink.
/// </summary>
internal sealed class ContainerDock(string path, int server, EndpointRouter router, Processor networkCore, StepCost macvlan, StartupContention startup,
    bool freeStarts, Action<ulong, long>? learnOnHostPort, FabricAnnouncer announcer, DeliveryObserver? observer, MigrationDesk desk,
    Func<string, object?> bind)
    : Component(path)
{
    public override string Kind => "container-dock";

    private const int AnnounceTimer = 0;

    private readonly SortedDictionary<int, ContainerArrival> _expected = [];
    /// <summary>Where each arrived container's agent is (server, component), for the announcement.</summary>
    private readonly SortedDictionary<int, (int Server, ushort Agent)> _sources = [];

    /// <summary>Container move <paramref name="migration"/> comes here.</summary>
    public void Expect(int migration, ContainerArrival arrival) => _expected.Add(migration, arrival);

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    /// <summary>Migration <paramref name="migration"/>'s container arrives; its agent is component <paramref name="sourceAgent"/> of <paramref name="sourceServer"/>.</summary>
    public void Arrive(int migration, int sourceServer, ushort sourceAgent)
    {
        var c = _expected[migration];
        var frozen = MigrationParcel.Open<DetachedComponents>(
            Owner.TakeParcel(migration) ?? throw new InvalidOperationException($"{Path}: migration {migration}'s container arrived without its state"), bind);
        var stack = (EndpointStack)frozen.Components[0];
        var lp = Owner;
        lp.Adopt(frozen, Now);
        stack.MoveTo(networkCore);
        stack.DeliveryObserver = observer;
        var device = lp.Add(new CpuHop($"{lp.Name}/{c.Name}/macvlan", "macvlan", networkCore, CpuCategory.HostKernel, macvlan, macvlan));
        device.BelongTo(stack.Events);
        lp.Connect(router, router.AddPort([c.Endpoint]), device, CpuHop.PortA);
        lp.Connect(device, CpuHop.PortB, stack, EndpointStack.NetworkPort);
        _sources.Add(migration, (sourceServer, sourceAgent));
        if (c.Method == ContainerMoveMethod.Criu)
        {
            desk.Ends(migration, Now);
            Announce(migration);
            return;
        }
        var runningAt = freeStarts ? Now : startup.ContainerRunningAt(Now, server, c.Runtime);
        // A container whose stop time comes before its start ends never runs here: the move stays unfinished (in-progress).
        if (!stack.Restart(runningAt)) return;
        desk.Ends(migration, runningAt);
        var running = new Packet { Sequence = migration, CreatedAt = runningAt };
        lp.SendControl(sourceServer, announcer.ReachesServer(server, sourceServer, Now), sourceAgent, ContainerMoveAgent.Running, in running);
        SetTimer(runningAt, AnnounceTimer, migration);
    }

    public override void OnTimer(int timer, int token, in Packet carried) => Announce(token);

    /// <summary>The container's gratuitous ARP from its new place.</summary>
    private void Announce(int migration)
    {
        var c = _expected[migration];
        var (sourceServer, sourceAgent) = _sources[migration];
        learnOnHostPort?.Invoke(c.Mac, Now);
        announcer.Announce(Owner, server, [c.Endpoint], Now);
        var heard = new Packet { Sequence = migration, DestinationEndpoint = server };
        Owner.SendControl(sourceServer, announcer.ReachesServer(server, sourceServer, Now), sourceAgent, MigrationAgent.Announced, in heard);
    }

    /// <summary>A container on its way here when the run ends is in no server: its results (and the packets it holds, in flight) are reported from here.</summary>
    public void ReportInTransit(ResultsBuilder results, long endTime)
    {
        foreach (var migration in _expected.Keys)
            if (!_sources.ContainsKey(migration) && Owner.TakeParcel(migration) is { } bytes)
                MigrationParcel.Open<DetachedComponents>(bytes, bind).Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now) => counters["containers_arrived"] = _sources.Count;
}
