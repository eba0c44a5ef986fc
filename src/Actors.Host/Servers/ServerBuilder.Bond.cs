using DcSim.ActorsHost.Sriov;
using DcSim.ActorsNetwork.Bridges;
using DcSim.ActorsNetwork.Links;
using DcSim.ActorsNic;
using DcSim.SimCore.Kernel;

namespace DcSim.ActorsHost.Servers;

/// <summary>The guest bond of a vnic = vf-bond VM (docs/sriov.md, "Bonded VFs").</summary>
internal sealed partial class ServerBuilder
{
    /// <summary>
    /// The bond between the VM's VF driver and its virtio NIC (both built and wired on their far side), with the scenario's
    /// hot-plug events for this VM; the VF and the virtio NIC belong to the VM's entity, as every vNIC does.
    /// </summary>
    /// <param name="arriving">A VM that migrates here: no scenario hot-plug events (they are its first server's), and no VF until plugged in.</param>
    private GuestBond BuildBond(Server server, string path, int entity, EventSource source, GuestBondSettings settings, SriovNic nic, int vf,
        CpuHop vfDriver, VirtioNic backup, bool arriving = false)
    {
        // The VM's own event source (one per entity: event order depends on what the entity did, not on where it is built).
        vfDriver.BelongTo(source);
        backup.BelongTo(source);
        var bond = server.Add(new GuestBond($"{path}/bond0", settings, nic, vf,
            arriving ? [] : _dc.VfHotplug.Where(e => e.Entity == entity).OrderBy(e => e.AtPs).ToList(), vfPlugged: !arriving));
        server.Connect(bond, GuestBond.VfPort, vfDriver, CpuHop.PortA);
        server.Connect(bond, GuestBond.BackupPort, backup, VirtioNic.GuestSide);
        return bond;
    }

    /// <summary>
    /// The bridge knows the bonded VM where its active slave is — through the uplink to the NIC (and the VF) at first — and
    /// learns the new place from the bond's gratuitous ARP after each change.
    /// </summary>
    private static void Announce(GuestBond bond, LinuxBridge bridge, ulong mac, int uplinkPort, int vmPort)
    {
        bridge.Fdb.Learn(mac, uplinkPort, 0);
        bond.PeersNotified = (active, now) => bridge.Fdb.Learn(mac, active == BondSlave.Vf ? uplinkPort : vmPort, now);
    }
}
