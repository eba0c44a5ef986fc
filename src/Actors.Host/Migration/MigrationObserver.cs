using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What a server's stacks tell of the data they deliver, for the migrations that leave or reach the server (each measures the latency
/// around it). A VM or container that arrives takes its new server's observer.
/// </summary>
internal sealed class MigrationObserver(MigrationHandoff handoff, IReadOnlyList<int> migrations)
{
    private IMeasuredMigration[]? _agents; // resolved at the first packet: agents of migrations into this server are built with their source

    public void Observe(in Packet packet, long now)
    {
        foreach (var agent in _agents ??= [.. migrations.Select(handoff.MeasuredOf)]) agent.Observe(in packet, now);
    }
}
