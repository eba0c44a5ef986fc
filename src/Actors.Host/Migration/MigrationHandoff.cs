using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Components;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The VMs (and containers) on their way between two servers of one partition, and each server's dock. A migration's source and destination always
/// share a partition (the layout keeps their racks together), so a VM's state moves as objects, handed over at the destination's
/// time of arrival by a control message.
/// </summary>
internal sealed class MigrationHandoff
{
    private readonly Dictionary<int, VmDock> _docks = [];
    private readonly Dictionary<int, ContainerDock> _containerDocks = [];
    private readonly Dictionary<int, (DetachedComponents Guest, ResidentVm Vm, MigrationAgent Agent)> _inTransit = [];
    private readonly Dictionary<int, MigrationAgent> _agents = [];
    private readonly Dictionary<int, ContainerMoveAgent> _containerAgents = [];
    private readonly Dictionary<int, IMigrationSender> _senders = [];
    private readonly Dictionary<int, ComponentLp> _receivingServers = [];

    public MigrationHandoff() => Receiver = new IncomingMigration(this);

    public void Register(int server, VmDock dock) => _docks.Add(server, dock);

    public void Register(int server, ContainerDock dock) => _containerDocks.Add(server, dock);

    public ContainerDock ContainerDockOf(int server) => _containerDocks.TryGetValue(server, out var dock) ? dock
        : throw new InvalidOperationException($"server {server} has no dock for arriving containers in this partition (the layout must keep a migration's servers together)");

    public void Register(int migration, MigrationAgent agent)
    {
        _agents.Add(migration, agent);
        _senders.Add(migration, agent);
    }

    public void Register(int migration, ContainerMoveAgent agent)
    {
        _containerAgents.Add(migration, agent);
        _senders.Add(migration, agent);
    }

    public MigrationAgent AgentOf(int migration) => _agents[migration];

    public ContainerMoveAgent ContainerAgentOf(int migration) => _containerAgents[migration];

    /// <summary>The agent of a VM's or a container's move, which measures the traffic around it.</summary>
    public IMeasuredMigration MeasuredOf(int migration) => _agents.TryGetValue(migration, out var vm) ? vm : _containerAgents[migration];

    /// <summary>
    /// Server <paramref name="server"/> (LP <paramref name="lp"/>) takes incoming streams: its host stack's <see cref="MigrationStream.Port"/>
    /// leads to <see cref="Receiver"/>.
    /// </summary>
    public void AcceptStreams(int server, ComponentLp lp) => _receivingServers.Add(server, lp);

    /// <summary>
    /// The destination's side of every migration stream of the partition (QEMU's incoming migration, CRIU's page server): once a stream has
    /// brought all its sender asked to send, the sender hears it (in this partition, at once: the source decides on what arrived, as
    /// SimGrid's and the model's rounds do).
    /// </summary>
    public ITcpApplication Receiver { get; }

    public VmDock DockOf(int server) => _docks.TryGetValue(server, out var dock) ? dock
        : throw new InvalidOperationException($"server {server} has no dock for arriving VMs in this partition (the layout must keep a migration's servers together)");

    public void Send(int migration, DetachedComponents guest, ResidentVm vm, MigrationAgent agent) => _inTransit.Add(migration, (guest, vm, agent));

    public (DetachedComponents Guest, ResidentVm Vm, MigrationAgent Agent) Receive(int migration) =>
        _inTransit.Remove(migration, out var moving) ? moving : throw new InvalidOperationException($"migration {migration} has no VM on its way");

    /// <summary>Counts what each stream has brought in and tells the destination's dock; closes when the source closes.</summary>
    private sealed class IncomingMigration(MigrationHandoff handoff) : ITcpApplication
    {
        private readonly Dictionary<TcpConnection, long> _received = new(ReferenceEqualityComparer.Instance);

        public void Received(TcpConnection connection, long bytes)
        {
            var total = _received[connection] = _received.GetValueOrDefault(connection) + bytes;
            var sender = handoff._senders[MigrationStream.MigrationOf(connection)];
            if (total < sender.Requested) return;
            var destination = handoff._receivingServers[sender.Destination];
            var delivered = new Packet { Sequence = sender.MigrationIndex, CreatedAt = total };
            destination.SendControl(sender.Owner.Id, destination.Now, sender.Index, MigrationAgent.Delivered, in delivered);
        }

        public void PeerClosed(TcpConnection connection)
        {
            _received.Remove(connection);
            connection.Close();
        }
    }

    /// <summary>The guest of <paramref name="migration"/> if it has left its source and not arrived yet.</summary>
    public DetachedComponents? InTransit(int migration) => _inTransit.TryGetValue(migration, out var moving) ? moving.Guest : null;
}
