using DcSim.SimCore.Units;

namespace DcSim.SimCore.Wire;

/// <summary>
/// What the output ports of one kind of link have in common: rate, delay, queue limit and the components and timer their events go
/// to. Shared by those ports (thousands on a large fabric) instead of repeated in each, which halves an idle port.
/// </summary>
internal sealed record PortProfile(DataRate Rate, long DelayPs, QueueLimit Limit, ushort OwnerComponent, ushort TransmitDoneTimer, ushort PeerComponent)
{
    // Ports are built one after the other by kind (a switch's host ports, then its fabric ports; one NIC port per server): the few
    // profiles last made on this thread find almost every match. Per thread, as partitions may be built on several at once.
    [ThreadStatic] private static PortProfile?[]? t_recent;
    [ThreadStatic] private static int t_next;

    /// <summary>A profile equal to this one made recently on this thread, or this one (then remembered).</summary>
    public PortProfile Shared()
    {
        var recent = t_recent ??= new PortProfile?[8];
        foreach (var p in recent)
            if (Equals(p)) return p!;
        recent[t_next] = this;
        t_next = (t_next + 1) % recent.Length;
        return this;
    }
}
