using DcSim.ActorsHost.Virtualization;

namespace DcSim.ActorsHost.Sriov;

/// <summary>
/// A <c>vnic = vf-bond</c> VM's guest bond (vms[i].bond): the paravirtual slave's backend and Linux bonding's timing.
/// </summary>
/// <param name="Backup">The backend of the paravirtual slave, through the server's switch: vhost-net or qemu.</param>
/// <param name="MiimonPs">The link monitor's period (bonding's miimon): a VF whose link came up is noticed at the next tick. 0: at once.</param>
/// <param name="UpdelayPs">How long a slave's link must stay up before it is used (bonding's updelay).</param>
/// <param name="VfReadyPs">From a VF's hot-plug until its driver is up with its MAC filter set and its link up (probe, reset, link).</param>
public sealed record GuestBondSettings(VnicBackend Backup, long MiimonPs, long UpdelayPs, long VfReadyPs);

/// <summary>What a scenario event does to a VM's VF.</summary>
public enum VfHotplugAction
{
    /// <summary>Hot-unplug (QEMU device_del): the VF leaves the guest, its frames are lost, the bond fails over.</summary>
    Detach,
    /// <summary>Hot-plug (QEMU device_add): the VF comes back, and the bond takes it as active once its link is up.</summary>
    Attach,
}

/// <summary>One element of the scenario's vf-hotplug list: at <see cref="AtPs"/>, <see cref="Action"/> the VF of VM entity <see cref="Entity"/>.</summary>
public sealed record VfHotplugEvent(long AtPs, int Entity, VfHotplugAction Action);
