using DcSim.ActorsNic;

namespace DcSim.ActorsHost.Virtualization;

/// <summary>
/// A VM template's VF (vms[i].vf, with vnic = vf): what the host's PF driver sets up for each of its VMs' VFs, as
/// <c>ip link set PF vf N vlan V max_tx_rate R spoofchk on</c> and <c>ethtool -C</c> would.
/// </summary>
/// <param name="PortVlan">1-4094, or 0 for none: the NIC tags what the VF sends and strips the tag from what it gets.</param>
/// <param name="TxRateBps">The VF's transmit limit in bits per second on the wire, or 0 for none.</param>
/// <param name="Coalescing">Interrupt moderation, or null for the NIC model's (<see cref="InterruptCoalescing.Default"/>).</param>
/// <param name="PostedInterrupts">Posted interrupts (no VM exit per interrupt), or null for the hypervisor profile's choice.</param>
public sealed record VfOptions(ushort PortVlan, long TxRateBps, bool SpoofCheck, InterruptCoalescing? Coalescing, bool? PostedInterrupts)
{
    /// <summary>reference.conf's vm-defaults.vf: no port VLAN, no limit, spoof check on, the NIC's moderation, the profile's posting.</summary>
    public static readonly VfOptions Default = new(0, 0, true, null, null);

    /// <summary>The NIC's setting of the VF of a VM with this MAC, on a server whose hypervisor posts interrupts or not.</summary>
    public VfSettings For(ulong mac, bool profilePostsInterrupts) =>
        new(mac, PortVlan, SpoofCheck, TxRateBps, Coalescing, PostedInterrupts ?? profilePostsInterrupts);
}

/// <summary>What a server does with the VMs asking for a VF beyond its NIC model's VFs (servers.vf-exhaustion).</summary>
public enum VfExhaustion
{
    /// <summary>A placement error: the scenario is refused.</summary>
    Error,
    /// <summary>They get a paravirtual vNIC (servers.vf-fallback-vnic) on the server's vm-switch instead.</summary>
    VSwitch,
}
