using DcSim.SimCore.Components;
using DcSim.SimCore.Cpu;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Links;

/// <summary>
/// A link through kernel code that costs CPU and nothing else: a veth pair (a container's interface and its peer on
/// the bridge: one more netif_rx and softirq pass), a macvlan device (demultiplexing by destination MAC), or a NIC's
/// driver in front of a switch (interrupt and NAPI one way, transmit the other). A packet entering one port leaves the
/// other when the kernel's core has done that direction's step; one that finds the core's backlog full is dropped
/// ("PATH:backlog").
/// </summary>
public sealed class CpuHop(string path, string kind, Processor processor, CpuCategory category, StepCost aToB, StepCost bToA) : Component(path)
{
    public override string Kind { get; } = kind;

    public const int PortA = 0;
    public const int PortB = 1;

    private readonly DropLedger _backlog = new($"{path}:backlog");
    private long _packets, _cycles;

    public override void Receive(int port, in Packet packet)
    {
        _packets++;
        var other = port == PortA ? PortB : PortA;
        var cost = port == PortA ? aToB : bToA;
        if (cost.IsFree)
        {
            Emit(other, in packet);
            return;
        }
        if (processor.Overloaded(Now, packet.FlowHash))
        {
            _backlog.Drop(packet.FlowId, packet.PayloadBytes);
            return;
        }
        var cycles = cost.Cycles(packet.PayloadBytes);
        _cycles += cycles;
        EmitAt(processor.Run(Now, cycles, category, packet.FlowHash), other, in packet);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _backlog.Report(results);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["dropped_backlog"] = _backlog.Packets;
        counters["packets"] = _packets;
        counters["cycles"] = _cycles;
    }
}
