using DcSim.SimCore.Checkpoints;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;

namespace DcSim.ActorsHost.Migration;

/// <summary>A VM on its way: its guest with its pending events, and what moving it takes (its vNIC side left behind, cleared).</summary>
internal sealed record VmInTransit(DetachedComponents Guest, ResidentVm Vm);

/// <summary>The bytes a VM's or a container's state travels in from its source to its destination (a parcel keyed by the migration).</summary>
internal static class MigrationParcel
{
    public static byte[] Pack(VmInTransit vm, LogicalProcess source) => EntityState.Save(vm, VmBoundary.Leaving(vm.Guest, source));

    /// <summary>A container's stack, frozen with its pending events (its macvlan device stays behind).</summary>
    public static byte[] Pack(DetachedComponents container, LogicalProcess source) => EntityState.Save(container, VmBoundary.Leaving(container, source));

    public static T Open<T>(byte[] bytes, Func<string, object?> resolve) where T : class => (T)EntityState.Load(bytes, resolve);
}
