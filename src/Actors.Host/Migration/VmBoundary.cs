using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Tcp;
using DcSim.ActorsHost.Virtualization;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Kernel;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Where a migrating VM's (or a moving container's) state ends (docs/migration-across-processes.md): what the VM refers to but does not own, written as a token
/// and bound at the destination to that server's or partition's own — its server's CPU, the partition's endpoint directory and TCP
/// context, the server's start-up contention — or dropped (the LP it ran in: the destination's LP takes the components). Anything else
/// of the source's that the VM reaches (a component left behind, the partition, the builder, the source LP's own event order) is a bug
/// in the model, and packing the VM fails naming the field that reached it.
/// </summary>
internal static class VmBoundary
{
    private const string Cpu = "cpu", Directory = "directory", Tcp = "tcp", Startup = "startup";

    /// <summary>The boundary of the VM or container whose components are <paramref name="guest"/>, leaving <paramref name="source"/>.</summary>
    public static Func<object, string?> Leaving(DetachedComponents guest, LogicalProcess source)
    {
        var own = new HashSet<Component>(guest.Components, ReferenceEqualityComparer.Instance);
        return o => o switch
        {
            LogicalProcess => EntityState.Drop,
            // The LP is its own event source, so a reference to it is dropped like any other: the guest's own components are asked.
            Component c when own.Contains(c) && c.OrdersBy(source) =>
                throw new InvalidOperationException($"{c.Path}, a component of the VM, orders its events by its server's source (LP {source.Name}), not the VM's"),
            Component c when own.Contains(c) => null,
            Component c => throw new InvalidOperationException($"{c.Path} stays on the source server, yet the VM refers to it"),
            ServerCpu => Cpu,
            EndpointDirectory => Directory,
            TcpContext => Tcp,
            StartupContention => Startup,
            Partition or ServerBuilder or MigrationHandoff or MigrationObserver or FabricAnnouncer or EntityPlan or FabricLayout or FabricGraph =>
                throw new InvalidOperationException($"the VM's state reaches the partition's {o.GetType().Name}"),
            _ => null,
        };
    }

    /// <summary>Binds the tokens of an arriving VM to server <paramref name="server"/> and its partition's shared objects.</summary>
    public static Func<string, object?> Arriving(Server server, EndpointDirectory directory, TcpContext tcp, StartupContention startup) =>
        token => token switch
        {
            Cpu => server.Cpu,
            Directory => directory,
            Tcp => tcp,
            Startup => startup,
            _ => throw new InvalidOperationException($"an arriving VM's state names '{token}', which {server.Name} does not provide"),
        };
}
