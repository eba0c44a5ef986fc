using DcSim.ActorsHost.Sriov;
using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// Where a VM's parts sit on the server that built it, from which its <see cref="ResidentVm"/> is made when something first moves it:
/// components keep their indices on a server (a VM that leaves leaves stand-ins), so the ranges stay true. A few words per VM instead
/// of the resident's lists, because any VM may be named by a shell's <c>migrate</c> and most never are (docs/benchmarks.md, VMs at scale).
/// </summary>
/// <param name="AttachmentStart">The first component of the VM's vNIC side; its guest starts at <paramref name="AttachmentEnd"/> and ends before <paramref name="GuestEnd"/>.</param>
internal readonly record struct BuiltVm(int Entity, EventSource Source, int AttachmentStart, int AttachmentEnd, int GuestEnd, Component GuestUplink,
    int GuestUplinkPort, VcpuSet Vcpus, Component AttachedTo, int AttachPort, GuestBond? Bond);
