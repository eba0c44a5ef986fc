using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// All rules of one classifier that share a mask (one "tuple" of tuple space search), with the
/// staged-lookup indices, prefix lengths for the classifier's tries and the ports trie that OVS's
/// <c>struct cls_subtable</c> keeps.
/// </summary>
internal sealed class Subtable
{
    private readonly Dictionary<ulong, int>[] _indices;
    private readonly int[][] _stageWords;   // per stage of Stages: the words in which the mask has bits
    /// <summary>Rules by the hash of their value over all stages; a bucket holds the (rare) colliding values.</summary>
    private readonly Dictionary<ulong, Chain> _rules = new();

    /// <summary>The rules sharing one match value, highest priority first, and the next value with the same hash.</summary>
    internal sealed class Chain(FlowKey value)
    {
        public FlowKey Value { get; } = value;
        public List<OpenFlowRule> Rules { get; } = new();
        public Chain? Next { get; set; }
    }

    public Subtable(in FlowKey mask, long sequence)
    {
        Mask = mask;
        Sequence = sequence;
        var stages = new List<int>();
        for (var s = 0; s < F.StageCount; s++)
        {
            for (var w = F.StageStart[s]; w < F.StageStart[s + 1]; w++)
            {
                if (mask[w] != 0) { stages.Add(s); break; }
            }
        }
        Stages = stages.ToArray();
        var m = mask;
        _stageWords = Stages.Select(st => Enumerable.Range(F.StageStart[st], F.StageStart[st + 1] - F.StageStart[st]).Where(w => m[w] != 0).ToArray()).ToArray();
        IndexCount = Math.Max(0, Stages.Length - 1);
        _indices = new Dictionary<ulong, int>[IndexCount];
        for (var i = 0; i < IndexCount; i++) _indices[i] = new Dictionary<ulong, int>();
        TriePlen = [PrefixLength((uint)mask.Get(F.NwDst)), PrefixLength((uint)mask.Get(F.NwSrc))];
        var ports = (uint)(mask[F.PortsWord] & 0xffff_ffff);
        PortsMaskLen = ports == 0 ? 0 : 32 - System.Numerics.BitOperations.TrailingZeroCount(ports);
        PortsMask = ports;
        if (PortsMaskLen > 0) PortsTrie = new PrefixTrie();
    }

    public FlowKey Mask { get; }
    /// <summary>Creation order, to keep equal-priority subtables in OVS's order deterministically.</summary>
    public long Sequence { get; }
    /// <summary>The stages (0 metadata, 1 L2, 2 L3, 3 L4) in which this mask has bits, in order.</summary>
    public int[] Stages { get; }
    /// <summary>Stages checked through an index before the final one (OVS's <c>n_indices</c>).</summary>
    public int IndexCount { get; }
    /// <summary>CIDR prefix length of the mask on nw_dst and nw_src (0 when absent or not a prefix).</summary>
    public int[] TriePlen { get; }
    public int PortsMaskLen { get; }
    public uint PortsMask { get; }
    public PrefixTrie? PortsTrie { get; }
    public int MaxPriority { get; set; } = int.MinValue;
    public int MaxCount { get; set; }
    public int RuleCount { get; private set; }
    /// <summary>Distinct match values (heads of OVS's equal-match lists).</summary>
    public int HeadCount { get; private set; }

    public IEnumerable<List<OpenFlowRule>> Chains
    {
        get
        {
            foreach (var c in _rules.Values)
            {
                for (var x = c; x is not null; x = x.Next) yield return x.Rules;
            }
        }
    }



    public static int PrefixLength(uint mask)
    {
        if (mask == 0) return 0;
        var len = System.Numerics.BitOperations.LeadingZeroCount(~mask);
        var cidr = len == 32 ? uint.MaxValue : uint.MaxValue << (32 - len);
        return mask == cidr ? len : 0;
    }

    /// <summary>Words of stage number <paramref name="stage"/>.</summary>
    public static (int From, int To) StageWords(int stage) => (F.StageStart[stage], F.StageStart[stage + 1]);

    /// <summary>The cumulative hash of stages 0..<paramref name="index"/> of <paramref name="key"/> under this mask.</summary>
    public ulong StageHash(in FlowKey key, int index, ulong basis) => key.HashMaskedWords(Mask, _stageWords[index], basis);

    public bool IndexContains(int index, ulong hash) => _indices[index].ContainsKey(hash);

    /// <summary>The hash of <paramref name="key"/> under this mask over every stage (continuing the index hashes).</summary>
    public ulong FullHash(in FlowKey key)
    {
        ulong basis = 0;
        for (var i = 0; i < Stages.Length; i++) basis = StageHash(key, i, basis);
        return basis;
    }

    /// <summary>The rules whose value equals <paramref name="packet"/> under this mask, given the packet's <see cref="FullHash"/>.</summary>
    public List<OpenFlowRule>? Find(in FlowKey packet, ulong fullHash)
    {
        if (!_rules.TryGetValue(fullHash, out var c)) return null;
        for (; c is not null; c = c.Next)
        {
            if (packet.MatchesMasked(c.Value, Mask)) return c.Rules;
        }
        return null;
    }

    public List<OpenFlowRule>? FindChain(in FlowKey maskedValue) => Find(maskedValue, FullHash(maskedValue));

    /// <summary>Adds a rule whose match value is not yet present (a new head).</summary>
    public void AddHead(OpenFlowRule rule)
    {
        var value = rule.Match.Key;
        var chain = new Chain(value);
        chain.Rules.Add(rule);
        var full = FullHash(value);
        if (_rules.TryGetValue(full, out var head)) { chain.Next = head.Next; head.Next = chain; }
        else _rules.Add(full, chain);
        HeadCount++;
        ulong basis = 0;
        for (var i = 0; i < IndexCount; i++)
        {
            basis = StageHash(value, i, basis);
            CollectionsMarshalIncrement(_indices[i], basis, +1);
        }
        PortsTrie?.Insert((uint)(value[F.PortsWord] & 0xffff_ffff), PortsMaskLen);
        RuleCount++;
    }

    public void AddToChain(List<OpenFlowRule> chain, int at, OpenFlowRule rule)
    {
        chain.Insert(at, rule);
        RuleCount++;
    }

    /// <summary>Removes a rule; returns true if it was the last of its match value (the head disappeared).</summary>
    public bool Remove(OpenFlowRule rule)
    {
        var value = rule.Match.Key;
        var full = FullHash(value);
        Chain? prev = null;
        var c = _rules[full];
        while (!c.Value.Equals(value)) { prev = c; c = c.Next!; }
        c.Rules.Remove(rule);
        RuleCount--;
        if (c.Rules.Count > 0) return false;
        if (prev is not null) prev.Next = c.Next;
        else if (c.Next is not null) _rules[full] = c.Next;
        else _rules.Remove(full);
        HeadCount--;
        ulong basis = 0;
        for (var i = 0; i < IndexCount; i++)
        {
            basis = StageHash(value, i, basis);
            CollectionsMarshalIncrement(_indices[i], basis, -1);
        }
        PortsTrie?.Remove((uint)(value[F.PortsWord] & 0xffff_ffff), PortsMaskLen);
        return true;
    }

    private static void CollectionsMarshalIncrement(Dictionary<ulong, int> d, ulong key, int delta)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(d, key, out _);
        slot += delta;
        if (slot == 0) d.Remove(key);
    }
}
