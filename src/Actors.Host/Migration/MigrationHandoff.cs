namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The move agents of a partition, by migration: an evacuation's next VM waits for the one before it (both leave one server), a container
/// dock finds the agent of a container that arrives (a container's move keeps its two servers in one partition: the layout sees to it),
/// and each server's traffic observer finds the agents that measure it.
/// </summary>
internal sealed class MigrationHandoff
{
    private readonly Dictionary<int, MigrationAgent> _agents = [];
    private readonly Dictionary<int, ContainerMoveAgent> _containerAgents = [];

    public void Register(int migration, MigrationAgent agent) => _agents.Add(migration, agent);

    public void Register(int migration, ContainerMoveAgent agent) => _containerAgents.Add(migration, agent);

    public MigrationAgent AgentOf(int migration) => _agents[migration];

    public ContainerMoveAgent ContainerAgentOf(int migration) => _containerAgents[migration];

    /// <summary>The agent of a VM's or a container's move (in this partition), which measures the traffic around it.</summary>
    public IMeasuredMigration MeasuredOf(int migration) => _agents.TryGetValue(migration, out var vm) ? vm : _containerAgents[migration];
}
