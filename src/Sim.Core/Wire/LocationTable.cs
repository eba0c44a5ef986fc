namespace DcSim.SimCore.Wire;

/// <summary>
/// Which server hosts each endpoint: the fabric's view of where to deliver a packet.
/// </summary>
/// <remarks>
/// A real fabric learns this — by MAC learning and ARP in an L2 domain, by host routes (/32 per VM) or a
/// VXLAN overlay's endpoint table in an L3 fabric. DcSim models the converged result: a table from
/// endpoint id to server index that every fabric switch consults, without the control-plane traffic
/// that fills it. Migration changes it with <see cref="Move"/>; every partition holds its own copy and
/// applies the same moves at the same virtual times, so the copies agree.
/// </remarks>
public sealed class LocationTable
{
    private readonly int[] _serverOf;

    public LocationTable(IReadOnlyList<int> serverOfEndpoint) => _serverOf = [.. serverOfEndpoint];

    public int Endpoints => _serverOf.Length;

    /// <summary>The server hosting <paramref name="endpoint"/>.</summary>
    public int ServerOf(int endpoint) => _serverOf[endpoint];

    /// <summary>The endpoint now lives on <paramref name="server"/>.</summary>
    public void Move(int endpoint, int server) => _serverOf[endpoint] = server;
}
