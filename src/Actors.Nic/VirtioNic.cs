using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// What a virtio NIC and its host backend cost per packet (see docs/virtualization-costs.md §2.2-2.4): the backend's
/// kernel and user-space work each way (vhost-net, QEMU, a vhost-user PMD), and the hypervisor's part on the vCPU:
/// the kick that notifies the host of a transmit (none towards a polling PMD), and interrupt delivery to the guest
/// (waking the halted vCPU, entry with injection, the guest's EOI and timer exits).
/// </summary>
public sealed record VirtioCosts(
    StepCost ToGuestKernel,
    StepCost ToGuestUser,
    StepCost FromGuestKernel,
    StepCost FromGuestUser,
    long KickCycles,
    long InterruptCycles)
{
    public static readonly VirtioCosts Free = new(StepCost.Free, StepCost.Free, StepCost.Free, StepCost.Free, 0, 0);
}

/// <summary>
/// A VM's paravirtual NIC (eth0 in the guest): port <see cref="HostSide"/> is its tap or vhost-user port on the host's
/// switch, port <see cref="GuestSide"/> the guest kernel. A packet for the guest is handled by the backend on a host
/// core, then delivered as an interrupt on the vCPU; a packet from the guest kicks the host (an exit on the vCPU) and
/// is taken by the backend to the switch. Each direction is one hop whose latency is the work's completion time.
/// </summary>
/// <remarks>
/// A packet whose next processor is overloaded (<see cref="Processor.Overloaded"/>) is dropped: towards the guest its
/// vCPU cannot drain the receive virtqueue, from the guest the backend's core cannot keep up ("PATH:full").
/// Notifications are suppressed while the other side is at work, as virtio's event index and the guest's NAPI polling do:
/// a packet that reaches the guest while its vCPU is still busy with earlier work joins the running poll without an
/// interrupt, and a packet the guest sends while the backend's core is busy needs no kick.
/// </remarks>
public sealed class VirtioNic(string path, Processor host, Processor vcpus, VirtioCosts costs) : Component(path)
{
    public override string Kind => "vnic";

    public const int HostSide = 0;
    public const int GuestSide = 1;

    // Made by the first drop: 100,000 idle VMs need none (docs/benchmarks.md, "VMs at scale").
    private DropLedger? _full;
    private long _toGuest, _fromGuest, _hostCycles, _hypervisorCycles, _interrupts, _kicks;

    public override void Receive(int port, in Packet packet)
    {
        // One virtqueue pair, served by one vCPU, carries both directions of a conversation (a symmetric key); the host's
        // part runs where the flow's own hash puts it, with the bridge and driver work of the same packet (the vhost
        // worker transmits through the bridge in its own context).
        var hash = packet.FlowHash;
        var queue = packet.Headers.SymmetricHash();
        var bytes = packet.PayloadBytes;
        if (port == HostSide ? vcpus.Overloaded(Now, queue) : host.Overloaded(Now, hash))
        {
            (_full ??= new DropLedger($"{Path}:full")).Drop(packet.FlowId, bytes);
            return;
        }
        if (port == HostSide)
        {
            _toGuest++;
            var t = RunHost(Now, costs.ToGuestKernel, CpuCategory.HostKernel, bytes, hash);
            t = RunHost(t, costs.ToGuestUser, CpuCategory.HostUser, bytes, hash, newItem: false);
            if (costs.InterruptCycles > 0 && vcpus.FreeAt(queue) <= t)
            {
                t = vcpus.Run(t, costs.InterruptCycles, CpuCategory.Hypervisor, queue);
                _hypervisorCycles += costs.InterruptCycles;
                _interrupts++;
            }
            Forward(t, GuestSide, in packet);
        }
        else
        {
            _fromGuest++;
            var t = Now;
            if (costs.KickCycles > 0 && host.FreeAt(hash) <= t)
            {
                t = vcpus.Run(t, costs.KickCycles, CpuCategory.Hypervisor, queue);
                _hypervisorCycles += costs.KickCycles;
                _kicks++;
            }
            t = RunHost(t, costs.FromGuestKernel, CpuCategory.HostKernel, bytes, hash);
            t = RunHost(t, costs.FromGuestUser, CpuCategory.HostUser, bytes, hash, newItem: false);
            Forward(t, HostSide, in packet);
        }
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _full?.Report(results);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["dropped_full"] = _full?.Packets ?? 0;
        counters["packets_to_guest"] = _toGuest;
        counters["packets_from_guest"] = _fromGuest;
        counters["host_cycles"] = _hostCycles;
        counters["hypervisor_cycles"] = _hypervisorCycles;
        counters["interrupts"] = _interrupts;
        counters["kicks"] = _kicks;
    }

    private long RunHost(long now, StepCost cost, CpuCategory category, int bytes, uint hash, bool newItem = true)
    {
        if (cost.IsFree) return now;
        var cycles = cost.Cycles(bytes);
        _hostCycles += cycles;
        return host.Run(now, cycles, category, hash, newItem);
    }

    private void Forward(long time, int port, in Packet packet)
    {
        if (time == Now) Emit(port, in packet);
        else EmitAt(time, port, in packet);
    }
}
