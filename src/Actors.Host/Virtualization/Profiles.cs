using DcSim.SimCore.Cpu;

namespace DcSim.ActorsHost.Virtualization;

public enum HypervisorKind { None, Kvm, Xen, Esxi }

/// <summary>How a VM's virtio NIC reaches the host's switch.</summary>
public enum VnicBackend
{
    /// <summary>vhost-net: the host kernel's vhost worker moves packets between the virtqueues and a tap device.</summary>
    VhostNet,
    /// <summary>virtio emulated by QEMU in host user space: every kick exits to QEMU, which writes the tap device.</summary>
    Qemu,
    /// <summary>vhost-user: an OVS netdev (DPDK) PMD thread polls the virtqueues; no kicks, no tap.</summary>
    VhostUser,
    /// <summary>An SR-IOV virtual function passed through to the guest: its driver runs on the vCPUs, the host is bypassed.</summary>
    Vf,
    /// <summary>
    /// A VF and a paravirtual NIC (the template's bond.backup) bonded active-backup in the guest: the VF carries the traffic
    /// while it is plugged in, the paravirtual NIC while it is not (src/Actors.Host/Sriov/GuestBond.cs).
    /// </summary>
    VfBond,
}

public static class VnicBackends
{
    /// <summary>Whether the VM has an SR-IOV VF (alone or bonded), and so needs one of its server's NIC.</summary>
    public static bool HasVf(this VnicBackend backend) => backend is VnicBackend.Vf or VnicBackend.VfBond;
}

/// <summary>The switch a server's VMs attach to.</summary>
public enum VmSwitchKind { LinuxBridge, Ovs }

public enum ContainerRuntime { Docker, Lxc }

/// <summary>A container's network mode, as <c>docker run --network</c> names them.</summary>
public enum ContainerNetwork
{
    /// <summary>A veth pair into the runtime's Linux bridge (docker0, lxcbr0), NAT to the outside.</summary>
    Bridge,
    /// <summary>The host's (or the VM's) own network namespace: its address and stack.</summary>
    Host,
    /// <summary>A macvlan device on the uplink: an address of its own on the physical network, no bridge, no NAT.</summary>
    Macvlan,
    /// <summary>Loopback only: no traffic.</summary>
    None,
}

public enum Placement { Explicit, RoundRobin, Pack, Spread }

public enum VcpuPinning { Floating, Pinned }

/// <summary>
/// The CPU costs of a Linux kernel's UDP path for one datagram — the host's, a guest's, and containers' (they share
/// their kernel's stack) — on the core of the receiving or sending application (receive flow steering puts the
/// softirq work there). Kernel work is charged to the stack's kernel category, the application's to its user category.
/// </summary>
/// <param name="Send">sendto(): syscall, socket, UDP/IP output, copy from user, driver transmit.</param>
/// <param name="Receive">Interrupt and NAPI poll, IP/UDP receive, socket enqueue, waking the application, recvfrom() and the copy.</param>
/// <param name="App">The application's own work per message it receives.</param>
public sealed record StackCosts(StepCost Send, StepCost Receive, StepCost App)
{
    public static readonly StackCosts Free = new(StepCost.Free, StepCost.Free, StepCost.Free);

    public bool IsFree => Send.IsFree && Receive.IsFree && App.IsFree;
}

/// <summary>Host kernel work between the NIC and a switch, a NAT or a bridge, where no socket is involved.</summary>
/// <param name="NicReceive">Interrupt and NAPI poll of a received frame.</param>
/// <param name="NicTransmit">The driver's transmit of a frame (descriptor, doorbell).</param>
/// <param name="IpForward">Routing a packet between the host's interfaces (to docker0 and back).</param>
/// <param name="BridgeForward">A Linux bridge forwarding one frame (the VMs' bridge, docker0, lxcbr0).</param>
public sealed record HostPathCosts(StepCost NicReceive, StepCost NicTransmit, StepCost IpForward, StepCost BridgeForward);

/// <summary>
/// What a hypervisor costs per network event of a guest: exits, interrupt injection, waking a halted vCPU, and how
/// long a VM takes to boot. Charged to the hypervisor category on the core the vCPU runs on.
/// </summary>
/// <param name="KickCycles">A transmit notification: VM exit, ioeventfd signal, VM entry.</param>
/// <param name="ExitToUserCycles">Extra when the exit goes on to the VMM in user space (QEMU device emulation).</param>
/// <param name="VcpuWakeCycles">Waking a halted vCPU thread: the host scheduler and the hypervisor's return from halt.</param>
/// <param name="InjectionCycles">VM entry with a virtual interrupt injected.</param>
/// <param name="EoiExitCycles">The guest's end-of-interrupt write trapping (no exit with posted interrupts / APICv).</param>
/// <param name="TimerExitCycles">The guest leaving idle re-arms its timer, which traps.</param>
/// <param name="PostedInterrupts">Posted interrupts and APICv: no EOI exit, injection at <see cref="PostedInjectionCycles"/>.</param>
/// <param name="BootCycles">CPU work of a boot (firmware, guest kernel, init) on the VM's vCPUs.</param>
/// <param name="BootDelayPs">The part of a boot that waits rather than computes (image I/O, probing, network configuration).</param>
public sealed record HypervisorProfile(
    HypervisorKind Kind,
    long KickCycles,
    long ExitToUserCycles,
    long VcpuWakeCycles,
    long InjectionCycles,
    long EoiExitCycles,
    long TimerExitCycles,
    bool PostedInterrupts,
    long PostedInjectionCycles,
    long BootCycles,
    long BootDelayPs);

/// <summary>
/// The host side of one virtio backend, per packet in each direction: kernel work (vhost worker, tap, irqfd, their
/// wake-ups) and user-space work (QEMU's device emulation, a DPDK PMD's copies).
/// </summary>
/// <param name="Kicks">Whether the guest's transmit notifies the host with an exit (not towards a polling PMD).</param>
public sealed record VnicCosts(StepCost ToGuestKernel, StepCost ToGuestUser, StepCost FromGuestKernel, StepCost FromGuestUser, bool Kicks);

/// <summary>
/// The guest's VF driver per frame (an SR-IOV VF passed through), on the VM's vCPUs as guest-kernel work: taking a
/// received frame from the ring (<see cref="DriverRx"/>) and posting one to transmit (<see cref="DriverTx"/>).
/// </summary>
public sealed record VfCosts(StepCost DriverRx, StepCost DriverTx);

/// <summary>
/// Start-up of one container runtime: the network namespace set-up, serialised per kernel (a start waits for the
/// starts before it: start-up contention), then the rest of the start, which waits rather than computes.
/// </summary>
public sealed record RuntimeProfile(ContainerRuntime Runtime, long NetnsSetupPs, long StartDelayPs);

/// <summary>Per-packet costs of the container network paths, charged to the kernel the container shares.</summary>
/// <param name="Veth">Crossing a veth pair (one more netif_rx and softirq pass).</param>
/// <param name="Macvlan">The macvlan demultiplexing by destination MAC.</param>
/// <param name="Nat">Applying a NAT binding in the netfilter hooks.</param>
/// <param name="ConntrackLookup">Finding a packet's connection-tracking entry.</param>
/// <param name="ConntrackNew">Creating an entry for a connection's first packet (NAT table walk, binding).</param>
public sealed record ContainerNetworkCosts(StepCost Veth, StepCost Macvlan, StepCost Nat, StepCost ConntrackLookup, StepCost ConntrackNew);
