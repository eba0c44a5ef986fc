namespace DcSim.ActorsNetwork.Fabric;

/// <summary>
/// Deterministic ECMP: the next hop is a function of the flow's 5-tuple hash and the switch only,
/// so every packet of a flow takes the same path and the choice is the same on every run and node.
/// </summary>
public static class EcmpHash
{
    public static int Select(uint flowHash, int switchId, int choices)
    {
        var x = flowHash ^ (uint)switchId * 0x9E3779B9u;
        x ^= x >> 16; x *= 0x7FEB352Du; x ^= x >> 15; x *= 0x846CA68Bu; x ^= x >> 16;
        return (int)((ulong)x * (ulong)choices >> 32);
    }
}
