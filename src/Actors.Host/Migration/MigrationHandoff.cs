using DcSim.ActorsHost.Tcp;
using DcSim.SimCore.Components;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The VMs on their way between two servers of one partition, and each server's dock. A migration's source and destination always
/// share a partition (the layout keeps their racks together), so a VM's state moves as objects, handed over at the destination's
/// time of arrival by a control message.
/// </summary>
internal sealed class MigrationHandoff
{
    private readonly Dictionary<int, VmDock> _docks = [];
    private readonly Dictionary<int, (DetachedComponents Guest, ResidentVm Vm, MigrationAgent Agent)> _inTransit = [];
    private readonly Dictionary<int, MigrationAgent> _agents = [];

    public MigrationHandoff() => Receiver = new IncomingMigration(this);

    public void Register(int server, VmDock dock) => _docks.Add(server, dock);

    public void Register(int migration, MigrationAgent agent) => _agents.Add(migration, agent);

    public MigrationAgent AgentOf(int migration) => _agents[migration];

    /// <summary>The destination's side of every migration stream of the partition (QEMU's incoming migration): see <see cref="VmDock.StreamReceived"/>.</summary>
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
            var agent = handoff._agents[MigrationStream.MigrationOf(connection)];
            handoff.DockOf(agent.Destination).StreamReceived(agent, total);
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
