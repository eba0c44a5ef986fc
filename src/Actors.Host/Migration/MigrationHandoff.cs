namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The move agents of a partition, by migration: an evacuation's next VM waits for the one before it (both leave one server), and each
/// server's traffic observer finds the agents of the moves that leave it.
/// </summary>
internal sealed class MigrationHandoff
{
    private readonly Dictionary<int, MigrationAgent> _agents = [];
    private readonly Dictionary<int, ContainerMoveAgent> _containerAgents = [];

    public void Register(int migration, MigrationAgent agent) => _agents.Add(migration, agent);

    public void Register(int migration, ContainerMoveAgent agent) => _containerAgents.Add(migration, agent);

    public MigrationAgent AgentOf(int migration) => _agents[migration];

    /// <summary>The agent of a VM's or a container's move leaving a server of this partition, which measures the traffic there.</summary>
    public IMeasuredMigration MeasuredOf(int migration) => _agents.TryGetValue(migration, out var vm) ? vm : _containerAgents[migration];
}
