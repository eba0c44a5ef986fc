namespace DcSim.ActorsHost.Migration;

/// <summary>What happens to frames that reach the source for a VM once it has stopped there (docs/migration.md).</summary>
public enum InFlightPolicy
{
    /// <summary>Lost, as with QEMU: the source's tap and the VM's queues go away with the source's QEMU process.</summary>
    Drop,
    /// <summary>Held by the source's hypervisor and sent on to the destination once the VM runs there.</summary>
    Forward,
}

/// <summary>
/// One live migration the scenario asks for (<c>migrations = [ { at, vm, to } ]</c>): move VM <paramref name="Entity"/> (its index in
/// the entity plan) to server <paramref name="ToServer"/>, starting at <paramref name="AtPs"/>, under <paramref name="Settings"/>
/// (the scenario's <c>migration</c> section with this migration's own overrides). Containers inside the VM move with it. With
/// <paramref name="Container"/>, <paramref name="Entity"/> is a container on a server's own kernel that moves by restart or CRIU instead.
/// </summary>
/// <param name="Index">Position among the scenario's migrations (an evacuation counts one per VM): the migration's id in results.</param>
/// <param name="After">The migration (an earlier one from the same server) that must be over before this one starts, or -1.</param>
/// <param name="Evacuates">For the migrations of an evacuation (<c>{ at, evacuate = host3 }</c>): the server it empties; else -1.</param>
/// <param name="Container">For a container's move (<c>{ at, container = NAME, to, method }</c>): how it moves; null for a VM.</param>
/// <param name="Directed">Started by a shell directive at <paramref name="AtPs"/> (<c>migrate VM SERVER</c>, docs/directives.md), not planned:
/// the destination makes what it needs when the migration's first message arrives (<see cref="DirectedMigrations"/>).</param>
public sealed record MigrationRequest(int Index, long AtPs, int Entity, int ToServer, MigrationSettings Settings, int After = -1, int Evacuates = -1,
    ContainerMove? Container = null, bool Directed = false);
