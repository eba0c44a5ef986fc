using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>A two-tier leaf-spine (Clos) fabric: its shape, its links and its output queues (scenario key topology).</summary>
public sealed record TopologySettings(
    int Spines,
    int Leaves,
    int HostsPerLeaf,
    LinkSettings HostLink,
    LinkSettings FabricLink,
    QueueSettings HostQueue,
    QueueSettings SwitchQueue)
{
    public int HostCount => Leaves * HostsPerLeaf;
}

public sealed record LinkSettings(DataRate Rate, long DelayPs);
