using DcSim.SimCore.Cpu;
using DcSim.SimCore.Units;

namespace DcSim.ActorsNic;

/// <summary>
/// Receive interrupt moderation of one function: its driver is interrupted when <see cref="Frames"/> frames wait in the
/// ring, or <see cref="TimePs"/> after the first of them landed, whichever comes first. <see cref="TimePs"/> = 0
/// interrupts for every frame.
/// </summary>
public sealed record InterruptCoalescing(long TimePs, int Frames)
{
    /// <summary>
    /// 50 us, after ixgbe's IXGBE_20K_ITR (at most 20,000 interrupts a second), or 32 frames (an assumption: the Intel
    /// parts have no frame threshold); see docs/sriov.md.
    /// </summary>
    public static readonly InterruptCoalescing Default = new(50 * SimTime.Microsecond, 32);

    public static readonly InterruptCoalescing PerFrame = new(0, 1);
}

/// <summary>The physical function's setup: its MAC, and whether it takes the wire's frames no function claims.</summary>
/// <param name="Promiscuous">The PF is a vSwitch's uplink: frames from the wire to unknown unicast addresses go to it, not dropped.</param>
public sealed record PfSettings(ulong Mac, bool Promiscuous, InterruptCoalescing Coalescing);

/// <summary>
/// One virtual function as the host's PF driver sets it up (ip link set DEV vf N mac M vlan V spoofchk on max_tx_rate R).
/// </summary>
/// <param name="PortVlan">The VF's port VLAN (1-4094): the NIC tags what the VF sends and strips it from what the VF gets;
/// the guest sees untagged frames and may not tag its own. 0: no port VLAN.</param>
/// <param name="SpoofCheck">Frames whose source MAC is not the VF's, or that carry a tag while a port VLAN is set, are dropped.</param>
/// <param name="TxRateBps">The VF's transmit limit in bits on the wire per second (frame, preamble and gap); 0 for none.</param>
/// <param name="PostedInterrupts">Interrupts reach the guest's vCPU without a VM exit (Intel VT-d posted interrupts).</param>
public sealed record VfSettings(
    ulong Mac,
    ushort PortVlan = 0,
    bool SpoofCheck = true,
    long TxRateBps = 0,
    InterruptCoalescing? Coalescing = null,
    bool PostedInterrupts = false)
{
    public InterruptCoalescing InterruptModeration => Coalescing ?? InterruptCoalescing.Default;
}

/// <summary>
/// What a function's driver costs when it takes frames from its receive ring, given by the side that owns it (the guest for
/// a VF, the host for the PF): per frame on <see cref="Cpu"/> under <see cref="Category"/>, and per interrupt the VM exit
/// and injection (<see cref="CpuCategory.Hypervisor"/>), which posted interrupts avoid.
/// </summary>
public sealed record RingDriver(Processor Cpu, StepCost PerFrame, CpuCategory Category, long InterruptExitCycles = 0);
