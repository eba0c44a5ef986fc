using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Randomness;

namespace DcSim.ActorsNetwork.FlowCache;

/// <summary>
/// dpif-netdev's exact-match cache (EMC): 8,192 entries per PMD thread, each key hashed to two candidate
/// slots (two 13-bit segments of the hash), pointing at the megaflow the key matched. Insertion is
/// probabilistic (1 in <c>emc-insert-inv-prob</c>, default 100; 1 = always, 0 = EMC off) so that short
/// flows do not thrash it; the draw comes from the vSwitch's own random stream, so it is reproducible.
/// </summary>
public sealed class ExactMatchCache<TActions>
{
    public const int DefaultEntries = 8192;
    private readonly FlowKey[] _keys;
    private readonly Megaflow<TActions>?[] _flows;
    private readonly int _shift;
    private readonly int _insertInverseProbability;
    private readonly Rng _rng;

    public ExactMatchCache(int insertInverseProbability, Rng rng, int entries = DefaultEntries)
    {
        if (entries < 2 || (entries & (entries - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(entries), entries, "EMC size must be a power of two");
        _keys = new FlowKey[entries];
        _flows = new Megaflow<TActions>?[entries];
        _shift = System.Numerics.BitOperations.Log2((uint)entries);
        _insertInverseProbability = insertInverseProbability;
        _rng = rng;
    }

    public bool Enabled => _insertInverseProbability > 0;

    public int Count => _flows.Count(f => f is { Alive: true });

    public Megaflow<TActions>? Lookup(in FlowKey key, uint hash)
    {
        if (!Enabled) return null;
        var h = hash;
        for (var s = 0; s < 2; s++, h >>= _shift)
        {
            var slot = (int)(h & (uint)(_flows.Length - 1));
            if (_flows[slot] is { Alive: true } flow && _keys[slot].Equals(key)) return flow;
        }
        return null;
    }

    /// <summary>Maybe inserts (1 in N); the slot is the matching one, else an empty one, else the one whose flow is older.</summary>
    public void MaybeInsert(in FlowKey key, uint hash, Megaflow<TActions> flow)
    {
        if (!Enabled) return;
        if (_insertInverseProbability > 1 && _rng.NextInt(_insertInverseProbability) != 0) return;
        var h = hash;
        var victim = -1;
        for (var s = 0; s < 2; s++, h >>= _shift)
        {
            var slot = (int)(h & (uint)(_flows.Length - 1));
            if (_flows[slot] is not { Alive: true } || _keys[slot].Equals(key)) { victim = slot; break; }
            if (victim < 0 || _flows[slot]!.CreatedAt < _flows[victim]!.CreatedAt) victim = slot;
        }
        _keys[victim] = key;
        _flows[victim] = flow;
    }
}
