using System.Runtime.CompilerServices;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Units;

namespace DcSim.SimCore.Wire;

/// <summary>
/// A port that keeps its per-frame state in itself (<see cref="LinkPort"/> for the physics): a NIC's wire, a server's one port.
/// It registers with its owner, which lists it among its <see cref="LogicalProcess.OutputPorts"/>.
/// </summary>
public sealed class OutputPort : LinkPort
{
    private readonly LogicalProcess _owner;
    private readonly PortProfile _profile;
    private PortState _state;

    /// <param name="owner">The LP the port belongs to.</param>
    /// <param name="ownerComponent">Component of <paramref name="owner"/> that gets the transmit-done timer.</param>
    /// <param name="transmitDoneTimer">That component's timer number for "a frame has left".</param>
    /// <param name="index">The port's number at its owner (also the token of its timer).</param>
    /// <param name="peer">The receiving LP, component and port.</param>
    /// <param name="ecn">ECN marking of the queue; null or <see cref="EcnMarking.Off"/> for tail drop alone.</param>
    /// <param name="seed">The scenario seed, from which a RED queue's random stream is drawn (with the owner's id and <paramref name="index"/>).</param>
    public OutputPort(LogicalProcess owner, ushort ownerComponent, ushort transmitDoneTimer, int index, string peerName,
        (int Lp, ushort Component, int Port) peer, DataRate rate, long delayPs, QueueLimit limit, EcnMarking? ecn = null, ulong seed = 0,
        long traceIntervalPs = 0)
        : this(owner, PortProfile.Alone(rate, delayPs, limit, ownerComponent, transmitDoneTimer, peer.Component, peer.Lp, peerName), index,
            (peer.Lp, peer.Port), ecn, seed, traceIntervalPs)
    {
    }

    /// <param name="profile">What the port shares with the other ports of its kind of link (a builder's <see cref="PortProfiles"/>).</param>
    /// <param name="peer">The receiving LP and port; the component and the LP's name are the profile's.</param>
    public OutputPort(LogicalProcess owner, PortProfile profile, int index, (int Lp, int Port) peer, EcnMarking? ecn = null,
        ulong seed = 0, long traceIntervalPs = 0)
        : base(owner, profile, index, ecn, seed, traceIntervalPs)
    {
        _owner = owner;
        _profile = profile;
        _state = Initial(peer);
    }

    private protected override ref PortState State => ref _state;
    private protected override LogicalProcess Owner => _owner;
    private protected override PortProfile Profile => _profile;

    /// <summary>Queues a packet for transmission, or drops it: tail drop when the queue is full, or RED's early drop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(in Packet packet)
    {
        if (!TransmitIfIdle(ref _state, _owner, _profile, Index, in packet)) Enqueue(ref _state, in packet);
    }

    /// <summary>The frame in service has left the port: start the next one, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnTransmitDone()
    {
        if (TransmitDone(ref _state)) StartNext(ref _state);
    }
}
