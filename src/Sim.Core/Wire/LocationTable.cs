namespace DcSim.SimCore.Wire;

/// <summary>
/// Which server hosts each endpoint: the fabric's view of where to deliver a packet.
/// </summary>
/// <remarks>
/// A real fabric learns this — by MAC learning and ARP in an L2 domain, by host routes (/32 per VM) or a
/// VXLAN overlay's endpoint table in an L3 fabric. DcSim models the converged result: a table from
/// endpoint id to server index that every fabric switch consults, without the control-plane traffic
/// that fills it. It holds the placement at the start and never changes: a fabric switch learns a migrated
/// VM's new server from its announcement and keeps that itself (FabricSwitch).
/// </remarks>
public sealed class LocationTable
{
    private readonly int[] _serverOf;

    public LocationTable(IReadOnlyList<int> serverOfEndpoint) => _serverOf = [.. serverOfEndpoint];

    public int Endpoints => _serverOf.Length;

    /// <summary>The server hosting <paramref name="endpoint"/>.</summary>
    public int ServerOf(int endpoint) => _serverOf[endpoint];
}
