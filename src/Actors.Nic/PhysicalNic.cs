using DcSim.SimCore.Wire;

namespace DcSim.ActorsNic;

/// <summary>
/// A server's physical NIC: today one port to the leaf switch, with its transmit queue. Virtual
/// functions and the embedded L2 switch attach here in a later step; the host talks to the wire only
/// through this class, so that they can.
/// </summary>
public sealed class PhysicalNic(OutputPort uplink)
{
    public OutputPort Uplink { get; } = uplink;

    /// <summary>Hands a frame to the NIC's transmit queue (tail drop when full).</summary>
    public void Transmit(in Packet packet) => Uplink.Enqueue(in packet);

    public void OnTransmitDone() => Uplink.OnTransmitDone();
}
