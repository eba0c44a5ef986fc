using DcSim.ActorsHost.Sriov;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What it takes to move one VM: its guest (kernel, stacks, containers: the components that go with it, wired to each other, and
/// the one port of it that faces its vNIC), its vNIC side (the attachment, made by the server it runs on and left behind when it
/// leaves), its vCPUs, its MACs and endpoints (its own and its containers'), and how it dirties memory.
/// </summary>
internal sealed class ResidentVm(int entity, string name, EventSource source, int[] endpoints, ulong[] macs, IReadOnlyList<Component> guest,
    (Component Component, int Port) guestUplink, VcpuSet vcpus, DirtyPageModel memory)
{
    public int Entity { get; } = entity;
    public string Name { get; } = name;
    /// <summary>The VM's own event order, which its components keep wherever it runs (and a vNIC made for it at a destination takes).</summary>
    public EventSource Source { get; } = source;
    /// <summary>The VM's endpoint first, then its containers'.</summary>
    public int[] Endpoints { get; } = endpoints;
    /// <summary>The MACs the VM's interfaces use (its own, and its macvlan containers').</summary>
    public ulong[] Macs { get; } = macs;
    public IReadOnlyList<Component> Guest { get; } = guest;
    public (Component Component, int Port) GuestUplink { get; } = guestUplink;
    public VcpuSet Vcpus { get; } = vcpus;
    public DirtyPageModel Memory { get; } = memory;

    /// <summary>The vNIC side where the VM runs now (a virtio NIC; or a VF driver, a virtio NIC and the bond between them).</summary>
    public IReadOnlyList<Component> Attachment { get; set; } = [];

    /// <summary>The host switch's port the VM's virtio NIC is wired to.</summary>
    public (Component Switch, int Port) SwitchPort { get; set; }

    /// <summary>The guest's bond of a vf-bond VM while it runs where it started; null elsewhere or without one.</summary>
    public GuestBond? Bond { get; set; }

    /// <summary>The VM leaves: its vNIC side stays on the server it leaves (the destination makes its own).</summary>
    public void LeaveVnicBehind()
    {
        Attachment = [];
        SwitchPort = default;
        Bond = null;
    }
}
