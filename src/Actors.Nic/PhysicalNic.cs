using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using DcSim.SimCore.Components;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// A server's physical NIC: one port on the wire to the leaf switch, with its transmit queue, and one port
/// towards the server (its switch or host stack). It owns both directions: frames from the wire leave
/// through <see cref="HostPort"/>, frames from the server are queued on the wire. Virtual functions and
/// the embedded L2 switch attach here in a later step.
/// </summary>
/// <remarks>
/// The NIC's own latencies (<see cref="NicLatency"/>) delay frames without costing CPU; while delayed a frame is still in transit.
/// </remarks>
public sealed class PhysicalNic(ComponentPath path, NicLatency? latency = null) : Component(path)
{
    public override string Kind => "nic";

    /// <summary>The port frames arrive on from the wire (the leaf's output port sends to it).</summary>
    public const int WirePort = 0;
    /// <summary>The port towards the server.</summary>
    public const int HostPort = 1;
    /// <summary>The NIC's timer for "a frame has left the transmitter".</summary>
    public const ushort TransmitDoneTimer = 0;
    /// <summary>Internal ports where frames wait out the NIC's transmit and receive latencies.</summary>
    private const int TransmitDmaDone = 2;
    private const int ReceiveDmaDone = 3;

    private readonly NicLatency _latency = latency ?? NicLatency.None;
    private OutputPort? _uplink;
    private long _rxPackets, _rxBytes;

    // Read for every frame sent: the throw lives in a helper, so that the getter inlines.
    public OutputPort Uplink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _uplink ?? NotConnected();
    }

    [DoesNotReturn]
    private OutputPort NotConnected() => throw new InvalidOperationException($"{Path} is not connected to the wire");

    /// <summary>Connects the transmitter to its link (built once the NIC has its index in the server).</summary>
    public void ConnectWire(OutputPort uplink)
    {
        _uplink = uplink;
        // The NIC's one timer is its transmitter's "a frame has left": the LP fetches the port with the NIC, one event ahead.
        ForeseeTimer(uplink);
    }

    public override void Receive(int port, in Packet packet)
    {
        switch (port)
        {
            case WirePort when _latency.RxPs > 0:
                ReceiveAt(Now + _latency.RxPs, ReceiveDmaDone, in packet);
                break;
            case WirePort or ReceiveDmaDone:
                _rxPackets++;
                _rxBytes += packet.PayloadBytes;
                Emit(HostPort, in packet);
                break;
            case HostPort when _latency.TxPs > 0:
                ReceiveAt(Now + _latency.TxPs, TransmitDmaDone, in packet);
                break;
            default:
                Uplink.Enqueue(in packet);
                break;
        }
    }

    public override void OnTimer(int timer, int token, in Packet carried) => Uplink.OnTransmitDone();

    protected override void PrepareReceive(int port)
    {
        if (port == HostPort) Prefetch.Lines(_uplink, 2);
    }

    public override void Report(ResultsBuilder results, long endTime)
    {
        Uplink.Report(results, endTime);
        base.Report(results, endTime);
    }

    public override void WriteCounters(ComponentCounters counters, long now)
    {
        counters["rx_packets"] = _rxPackets;
        counters["rx_bytes"] = _rxBytes;
        counters["tx_packets"] = Uplink.Stats.TxPackets;
        counters["tx_dropped"] = Uplink.Stats.DroppedPackets;
    }
}
