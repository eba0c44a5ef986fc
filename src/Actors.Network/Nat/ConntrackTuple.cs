using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Nat;

/// <summary>
/// One direction of a tracked connection as conntrack keys it: addresses, ports and protocol. An entry is found by
/// either of its two tuples — the original direction, as its first packet arrived, and the reply direction a
/// reply carries after NAT.
/// </summary>
public readonly record struct ConntrackTuple(uint SourceIp, uint DestinationIp, ushort SourcePort, ushort DestinationPort, byte Protocol)
{
    public static ConntrackTuple Of(in PacketHeaders h) => new(h.SourceIp, h.DestinationIp, h.SourcePort, h.DestinationPort, h.Protocol);

    /// <summary>The tuple of a packet going the other way (a method: a record's printer would follow a property forever).</summary>
    public ConntrackTuple Inverse() => new(DestinationIp, SourceIp, DestinationPort, SourcePort, Protocol);

    /// <summary>The same hash a packet with these headers carries (<see cref="PacketHeaders.FlowHash"/>).</summary>
    public uint Hash() => new PacketHeaders
    {
        SourceIp = SourceIp, DestinationIp = DestinationIp, SourcePort = SourcePort, DestinationPort = DestinationPort, Protocol = Protocol,
    }.FlowHash();

    public override string ToString() => $"{Protocol} {Dotted(SourceIp)}:{SourcePort} -> {Dotted(DestinationIp)}:{DestinationPort}";

    private static string Dotted(uint ip) => $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}";
}

/// <summary>
/// A port published with Docker's <c>-p HOST:CONTAINER</c>: packets of <paramref name="Protocol"/> to the host's address
/// and <paramref name="HostPort"/> go to <paramref name="Container"/> on <paramref name="ContainerPort"/>.
/// </summary>
public readonly record struct PublishedPort(byte Protocol, ushort HostPort, EndpointAddress Container, ushort ContainerPort);
