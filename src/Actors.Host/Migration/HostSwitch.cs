using DcSim.SimCore.Components;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The switch VMs attach to on one server (a Linux bridge or the vSwitch): its uplink towards the NIC, and how it learns a MAC on a
/// port, as a frame from that MAC arriving there would teach it (a migrated VM's gratuitous RARP).
/// </summary>
internal sealed record HostSwitch(Component Switch, int UplinkPort, Action<ulong, int, long> Learn);
