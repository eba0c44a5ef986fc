using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsNetwork.Links;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Where containers that move arrive on a server (docs/migration.md, "Containers"). On arrival (a control message) the container's stack
/// joins this server's LP, its work moves to the host kernel's network core, and the kernel gets a macvlan device for it (a port of its
/// router, the container's own MAC and address). A restarted container then starts as a new one would here (the runtime's namespace set-up,
/// serialised per kernel, and its start) and announces itself once it runs; a restored one (CRIU) runs and announces itself at once. The
/// announcement teaches this server's VM switch (if any) the MAC on the host kernel's port, every fabric switch the new server, and the
/// source's switch the uplink.
/// </summary>
internal sealed class ContainerDock(string path, int server, EndpointRouter router, Processor networkCore, StepCost macvlan, StartupContention startup,
    bool freeStarts, Action<ulong, long>? learnOnHostPort, FabricAnnouncer announcer, MigrationHandoff handoff, DeliveryObserver? observer)
    : Component(path, "container-dock")
{
    private const int AnnounceTimer = 0;

    private long _arrived;

    public override void Receive(int port, in Packet packet) => throw new InvalidOperationException($"{Path} has no ports");

    /// <summary>Migration <paramref name="migration"/>'s container arrives (the <see cref="MigrationDesk"/> hears it).</summary>
    public void Arrive(int migration)
    {
        var agent = handoff.ContainerAgentOf(migration);
        var c = agent.Container;
        var lp = Owner;
        lp.Adopt(agent.TakeFrozen(), Now);
        c.Stack.MoveTo(networkCore);
        c.Stack.DeliveryObserver = observer;
        var device = lp.Add(new CpuHop($"{lp.Name}/{c.Name}/macvlan", "macvlan", networkCore, CpuCategory.HostKernel, macvlan, macvlan));
        device.BelongTo(c.Stack.Events);
        lp.Connect(router, router.AddPort([c.Endpoint]), device, CpuHop.PortA);
        lp.Connect(device, CpuHop.PortB, c.Stack, EndpointStack.NetworkPort);
        _arrived++;
        if (agent.Method == ContainerMoveMethod.Criu)
        {
            Announce(migration);
            return;
        }
        var runningAt = freeStarts ? Now : startup.ContainerRunningAt(Now, server, c.Runtime);
        // A container whose stop time comes before its start ends never runs here: the move stays unfinished (in-progress).
        if (!c.Stack.Restart(runningAt)) return;
        agent.RunsAt(runningAt);
        SetTimer(runningAt, AnnounceTimer, migration);
    }

    public override void OnTimer(int timer, int token, in Packet carried) => Announce(token);

    /// <summary>The container's gratuitous ARP from its new place.</summary>
    private void Announce(int migration)
    {
        var agent = handoff.ContainerAgentOf(migration);
        var c = agent.Container;
        learnOnHostPort?.Invoke(c.Mac, Now);
        announcer.Announce(Owner, server, [c.Endpoint], Now);
        var heard = new Packet { Sequence = migration, DestinationEndpoint = server };
        Owner.SendControl(agent.Owner.Id, announcer.ReachesServer(server, agent.Owner.Id, Now), agent.Index, MigrationAgent.Announced, in heard);
    }

    public override void WriteCounters(ComponentCounters counters, long now) => counters["containers_arrived"] = _arrived;
}
