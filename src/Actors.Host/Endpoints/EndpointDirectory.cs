using DcSim.ActorsHost.Virtualization;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>Every endpoint's address and how to reach it, by endpoint id: the same in every partition (see <see cref="EntityPlan"/>).</summary>
internal sealed class EndpointDirectory(EntityPlan plan)
{
    public int Count => plan.EndpointCount;

    public EndpointAddress this[int endpoint] => plan.AddressOf(endpoint);

    /// <summary>Where a packet for <paramref name="endpoint"/>'s service on <paramref name="port"/> is addressed (a NATed container: its kernel's published port).</summary>
    public (EndpointAddress Address, ushort Port) Reach(int endpoint, ushort port, byte protocol) => plan.Reach(endpoint, port, protocol);
}
