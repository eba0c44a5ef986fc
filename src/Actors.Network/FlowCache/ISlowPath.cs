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

    /// <summary>
    /// Translation for a revalidator re-checking a cached flow: like <see cref="Translate"/> but without side
    /// effects (no MAC learning, no record of the rules an upcall used).
    /// </summary>
    (TActions Actions, FlowKey Mask) Retranslate(in FlowKey key, long now) => Translate(in key, now);
}
