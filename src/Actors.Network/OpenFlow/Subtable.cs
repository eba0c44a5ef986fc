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
    private readonly Dictionary<FlowKey, List<OpenFlowRule>> _rules = new();

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
    public int HeadCount => _rules.Count;

    public IEnumerable<List<OpenFlowRule>> Chains => _rules.Values;

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
    public ulong StageHash(in FlowKey key, int index, ulong basis)
    {
        var (from, to) = StageWords(Stages[index]);
        return key.HashMasked(Mask, from, to, basis);
    }

    public bool IndexContains(int index, ulong hash) => _indices[index].ContainsKey(hash);

    public List<OpenFlowRule>? FindChain(in FlowKey maskedValue) => _rules.GetValueOrDefault(maskedValue);

    /// <summary>Adds a rule whose match value is not yet present (a new head).</summary>
    public void AddHead(OpenFlowRule rule)
    {
        var value = rule.Match.Key;
        _rules.Add(value, [rule]);
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
        var chain = _rules[value];
        chain.Remove(rule);
        RuleCount--;
        if (chain.Count > 0) return false;
        _rules.Remove(value);
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
