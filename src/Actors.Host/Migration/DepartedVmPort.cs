using DcSim.SimCore.Components;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What a host switch's port leads to once the VM on it has stopped for its migration: frames still sent there (the switch learns
/// the VM's new place only from its announcement) are dropped, or held and sent on to the destination once the VM runs there
/// (<see cref="InFlightPolicy"/>).
/// </summary>
internal sealed class DepartedVmPort(string path, InFlightPolicy policy) : Component(path)
{
    public override string Kind => "departed-vm";

    public const int SwitchSide = 0;

    private readonly DropLedger _dropped = new($"{path}:migration");
    private readonly List<Packet> _held = [];
    private Action<Packet>? _forward;
    private long _forwarded;

    public long Dropped => _dropped.Packets;
    public long Forwarded => _forwarded;

    public override void Receive(int port, in Packet packet)
    {
        if (policy == InFlightPolicy.Drop) _dropped.Drop(packet.FlowId, packet.PayloadBytes);
        else if (_forward is { } forward)
        {
            _forwarded++;
            forward(packet);
        }
        else _held.Add(packet);
    }

    /// <summary>The VM runs at its destination: what was held goes there, and so does whatever still arrives.</summary>
    public void Release(Action<Packet> forward)
    {
        _forward = forward;
        foreach (var packet in _held) Receive(SwitchSide, in packet);
        _held.Clear();
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        _dropped.Report(results);
        foreach (var packet in _held)
        {
            var f = results.Flow(packet.FlowId);
            f.InFlightPackets++;
            f.InFlightBytes += packet.PayloadBytes;
        }
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["dropped"] = _dropped.Packets;
        counters["held"] = _held.Count;
        counters["forwarded"] = _forwarded;
    }
}
