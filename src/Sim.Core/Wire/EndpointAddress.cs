namespace DcSim.SimCore.Wire;

/// <summary>
/// The identity of a network endpoint (a bare-metal host's stack, later a VM's vNIC or a container's veth):
/// a stable id and the MAC and IPv4 address its packets carry.
/// </summary>
public readonly record struct EndpointAddress(int Id, ulong Mac, uint Ipv4)
{
    /// <summary>
    /// The deterministic plan for endpoints that the scenario does not address: 10.0.0.0/8 plus the id, and a
    /// locally administered unicast MAC 02:00 followed by the id (the addresses the OVS corpus uses).
    /// </summary>
    public static EndpointAddress Planned(int id)
    {
        if (id < 0 || id >= FlowIds.MaxEndpoints)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"endpoint ids run from 0 to {FlowIds.MaxEndpoints - 1}");
        return new EndpointAddress(id, 0x0200_0000_0000UL | (uint)id, 0x0A00_0000u | (uint)id);
    }

    public override string ToString() =>
        $"endpoint {Id} ({Ipv4 >> 24}.{(Ipv4 >> 16) & 0xFF}.{(Ipv4 >> 8) & 0xFF}.{Ipv4 & 0xFF})";
}
