using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>
/// One datapath flow: a wildcarded match (key under mask) and the datapath actions the slow path
/// computed for it, with the counters the revalidators and `dpctl/dump-flows` read.
/// </summary>
public sealed class Megaflow<TActions>(FlowKey maskedKey, FlowKey mask, TActions actions, long createdAt, FlowKey originalKey)
{
    public FlowKey Key { get; } = maskedKey;
    /// <summary>The full key of the packet whose upcall installed the flow (what revalidation re-translates, as OVS's ukey does).</summary>
    public FlowKey OriginalKey { get; } = originalKey;
    public FlowKey Mask { get; } = mask;
    public TActions Actions { get; set; } = actions;
    public long CreatedAt { get; } = createdAt;
    public long LastUsed { get; private set; } = createdAt;
    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>False once deleted: a stale reference (e.g. from the exact-match cache) must not be used.</summary>
    public bool Alive { get; internal set; } = true;

    public void Hit(long now, int bytes)
    {
        Packets++;
        Bytes += bytes;
        LastUsed = now;
    }
}
