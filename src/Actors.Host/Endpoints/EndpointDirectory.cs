using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Endpoints;

/// <summary>Every endpoint's address, by endpoint id; the same in every partition.</summary>
internal sealed class EndpointDirectory(IReadOnlyList<EndpointAddress> addresses)
{
    public int Count => addresses.Count;

    public EndpointAddress this[int endpoint] => addresses[endpoint];

    /// <summary>One endpoint per bare-metal server, addressed by the deterministic plan (<see cref="EndpointAddress.Planned"/>).</summary>
    public static EndpointDirectory Planned(int endpoints) =>
        new(Enumerable.Range(0, endpoints).Select(EndpointAddress.Planned).ToArray());
}
