using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>The OpenFlow slow path as the datapath sees it: an upcall translates a key into actions and the widest safe mask.</summary>
public interface ISlowPath<TActions>
{
    /// <param name="now">Virtual time of the upcall (MAC learning and rule timeouts use it).</param>
    (TActions Actions, FlowKey Mask) Translate(in FlowKey key, long now);

    /// <summary>
    /// Changes whenever state the translations depend on changes outside the rules (MAC learning): the
    /// datapath then revalidates its flows, as OVS's revalidators do when the MAC table changes.
    /// </summary>
    long StateVersion => 0;
}
