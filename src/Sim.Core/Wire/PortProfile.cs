using DcSim.SimCore.Units;

namespace DcSim.SimCore.Wire;

/// <summary>
/// What the output ports of one kind of link have in common: rate, delay, queue limit and the components and timer their events go
/// to. Shared by those ports (thousands on a large fabric) instead of repeated in each, which halves an idle port.
/// </summary>
/// <param name="PeerNames">The LPs' names by id, shared by the builder's ports: a port finds its peer's name there when it reports,
/// instead of keeping a reference of its own (8 B of every idle port).</param>
public sealed record PortProfile(DataRate Rate, long DelayPs, QueueLimit Limit, ushort OwnerComponent, ushort TransmitDoneTimer, ushort PeerComponent,
    IReadOnlyList<string> PeerNames)
{
    /// <summary>The profile of a port made alone (a test rig), which has no builder's list of names: one that names its peer only.</summary>
    public static PortProfile Alone(DataRate rate, long delayPs, QueueLimit limit, ushort ownerComponent, ushort transmitDoneTimer, ushort peerComponent,
        int peerLp, string peerName)
    {
        var names = new string[peerLp + 1];
        names[peerLp] = peerName;
        return new PortProfile(rate, delayPs, limit, ownerComponent, transmitDoneTimer, peerComponent, names);
    }
}
