using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What a server's stacks tell of the data they deliver, for the moves that leave or reach the server (each measures the latency around
/// it: the agents of moves leaving, the desk for VMs arriving, the agent of a container arriving). A VM or container that arrives takes its
/// new server's observer.
/// </summary>
internal sealed class MigrationObserver(Func<IMeasuredMigration[]> measuring)
{
    private IMeasuredMigration[]? _measuring; // resolved at the first packet: agents of moves are built after the server's stacks

    public void Observe(in Packet packet, long now)
    {
        foreach (var m in _measuring ??= measuring()) m.Observe(in packet, now);
    }

    /// <summary>Measures for <paramref name="migration"/> too from now on (a move a directive started).</summary>
    public void Include(IMeasuredMigration migration) => _measuring = [.. _measuring ?? measuring(), migration];
}
