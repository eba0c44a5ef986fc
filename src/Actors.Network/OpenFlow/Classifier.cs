using F = DcSim.ActorsNetwork.OpenFlow.FlowField;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>Work done by lookups (accumulated): what proves a lookup does not scan every rule.</summary>
public sealed class LookupStats
{
    public long Lookups { get; set; }
    /// <summary>Subtables whose lookup was started.</summary>
    public long SubtablesProbed { get; set; }
    /// <summary>Hash-index probes (staged indices and the final rule table).</summary>
    public long HashProbes { get; set; }
    /// <summary>Rules compared against the packet (a final-stage hit examines one rule).</summary>
    public long RulesExamined { get; set; }
}

/// <summary>
/// One OpenFlow table's classifier: tuple space search as in OVS's lib/classifier.c, returning the
/// winning rule and, as a side effect, the bits of the packet the lookup consulted (the wildcards).
/// </summary>
/// <remarks>
/// <para>What it models. Rules are grouped into subtables by mask. A lookup visits subtables in
/// decreasing order of their highest rule priority and stops as soon as the best match found so far
/// has a priority no lower than the next subtable's maximum (early exit), so a lookup never scans every
/// rule. Inside a subtable the lookup is staged: metadata, then L2, then L3, then L4 fields, each stage
/// probing a hash index of the rules' values on the stages so far; the first stage that cannot match
/// ends that subtable and only the stages consulted are added to the wildcards. Before the L3 stage,
/// prefix tries on nw_dst and nw_src (in that order, OVS's default <c>prefixes</c>) can prove that no
/// rule of the subtable matches, unwildcarding only the leading address bits needed; after a final-stage
/// miss, a per-subtable trie on the transport ports does the same for tp_src/tp_dst. These are exactly
/// the decisions that give OVS's megaflows their masks, so the masks agree with OVS's.</para>
/// <para>Determinism. Subtables of equal maximum priority keep the order OVS's priority vector gives
/// them (insertion order, re-sorted stably when priorities change or a subtable is removed), which is
/// what decides between overlapping rules of equal priority; the result depends only on the sequence of
/// rule changes. OVS's index hashes are replaced by exact 64-bit stage hashes; a collision could only
/// make a stage look like a possible match, as in OVS.</para>
/// <para>Not modelled: conjunctive matches, rule versions (changes are visible immediately), IPv6 and
/// tunnel fields. Complexity: a lookup costs O(subtables probed × stages); insert/remove O(stages + 32).</para>
/// </remarks>
public sealed class Classifier
{
    private readonly Dictionary<FlowKey, Subtable> _byMask = new();
    private readonly List<Subtable> _vector = new();   // OVS's pvector: sorted by MaxPriority, descending
    private readonly PrefixTrie[] _tries = [new PrefixTrie(), new PrefixTrie()];   // nw_dst, nw_src
    private static readonly FlowField[] TrieFields = [F.NwDst, F.NwSrc];
    private long _subtableSequence;

    public int Count { get; private set; }
    public int SubtableCount => _vector.Count;

    /// <summary>Every rule, in a deterministic order (subtable order, then match value order of insertion, then priority).</summary>
    public IEnumerable<OpenFlowRule> Rules => _vector.SelectMany(s => s.Chains.SelectMany(c => c)).OrderBy(r => r.Id);

    /// <summary>
    /// Inserts <paramref name="rule"/>. If a rule with the same match and priority exists it is replaced
    /// and returned (OVS's <c>classifier_replace</c>); otherwise returns null.
    /// </summary>
    public OpenFlowRule? Insert(OpenFlowRule rule)
    {
        var mask = rule.Match.Mask;
        if (!_byMask.TryGetValue(mask, out var sub))
        {
            sub = new Subtable(mask, _subtableSequence++);
            _byMask.Add(mask, sub);
        }
        var chain = sub.FindChain(rule.Match.Key);
        if (chain is null)
        {
            for (var j = 0; j < 2; j++)
            {
                if (sub.TriePlen[j] != 0) _tries[j].Insert((uint)rule.Match.Key.Get(TrieFields[j]), sub.TriePlen[j]);
            }
            var wasEmpty = sub.HeadCount == 0;
            sub.AddHead(rule);
            Count++;
            AfterAdd(sub, rule.Priority, wasEmpty);
            return null;
        }
        var at = 0;
        while (at < chain.Count && chain[at].Priority > rule.Priority) at++;
        if (at < chain.Count && chain[at].Priority == rule.Priority)
        {
            var old = chain[at];
            chain[at] = rule;
            return old;
        }
        sub.AddToChain(chain, at, rule);
        Count++;
        AfterAdd(sub, rule.Priority, false);
        return null;
    }

    /// <summary>Removes <paramref name="rule"/> (the same instance); false if it is not in this classifier.</summary>
    public bool Remove(OpenFlowRule rule)
    {
        if (!_byMask.TryGetValue(rule.Match.Mask, out var sub)) return false;
        var chain = sub.FindChain(rule.Match.Key);
        if (chain is null || !chain.Contains(rule)) return false;
        if (sub.Remove(rule))
        {
            for (var j = 0; j < 2; j++)
            {
                if (sub.TriePlen[j] != 0) _tries[j].Remove((uint)rule.Match.Key.Get(TrieFields[j]), sub.TriePlen[j]);
            }
        }
        Count--;
        if (sub.HeadCount == 0)
        {
            _byMask.Remove(sub.Mask);
            VectorRemove(sub);
            return true;
        }
        if (sub.MaxPriority == rule.Priority && --sub.MaxCount == 0)
        {
            var max = int.MinValue;
            var count = 0;
            foreach (var c in sub.Chains)
            {
                var p = c[0].Priority;
                if (p > max) { max = p; count = 1; }
                else if (p == max) count++;
            }
            sub.MaxCount = count;
            VectorChangePriority(sub, max);
        }
        return true;
    }

    /// <summary>The rule with exactly this match and priority, if any (OVS's <c>classifier_find_rule_exactly</c>).</summary>
    public OpenFlowRule? FindExactly(in FlowMatch match, int priority)
    {
        if (!_byMask.TryGetValue(match.Mask, out var sub)) return null;
        var chain = sub.FindChain(match.Key);
        return chain?.FirstOrDefault(r => r.Priority == priority);
    }

    /// <summary>
    /// Finds the highest-priority rule matching <paramref name="flow"/> and ORs into
    /// <paramref name="wildcards"/> every bit the lookup consulted. Returns null on a miss (the bits
    /// that proved the miss are still added).
    /// </summary>
    public OpenFlowRule? Lookup(in FlowKey flow, ref FlowKey wildcards, LookupStats? stats = null)
    {
        var ctx = new TrieContext();
        OpenFlowRule? hard = null;
        var hardPri = int.MinValue;
        if (stats is not null) stats.Lookups++;
        foreach (var sub in _vector)
        {
            if (sub.MaxPriority <= hardPri) break;            // early exit: nothing better can follow
            if (stats is not null) stats.SubtablesProbed++;
            var match = FindMatchWc(sub, flow, ref ctx, ref wildcards, stats);
            if (match is null || match.Priority <= hardPri) continue;
            hard = match;
            hardPri = match.Priority;
        }
        return hard;
    }

    private struct TrieContext
    {
        public bool Done0, Done1;
        public int MaskBits0, MaskBits1;
        public ulong Plens0, Plens1;
    }

    private OpenFlowRule? FindMatchWc(Subtable sub, in FlowKey flow, ref TrieContext ctx, ref FlowKey wc, LookupStats? stats)
    {
        ulong basis = 0;
        var stagesEnd = 0;      // stages 0..stagesEnd-1 of sub.Stages are "used so far"
        int i;
        for (i = 0; i < sub.IndexCount; i++)
        {
            if (sub.Stages[i] == F.L3Stage && CheckTries(sub, flow, ref ctx, ref wc)) goto NoMatch;
            stagesEnd = i + 1;
            basis = sub.StageHash(flow, i, basis);
            if (stats is not null) stats.HashProbes++;
            if (!sub.IndexContains(i, basis)) goto NoMatch;
        }
        if (sub.Stages.Length > 0 && sub.Stages[i] == F.L3Stage && CheckTries(sub, flow, ref ctx, ref wc)) goto NoMatch;
        if (stats is not null) stats.HashProbes++;
        if (sub.Stages.Length > 0) basis = sub.StageHash(flow, i, basis);
        var chain = sub.Find(flow, basis);
        if (chain is null && sub.PortsTrie is not null)
        {
            // Final-stage miss with ports in the mask: unwildcard only the port bits that prove it.
            var value = (uint)(flow[F.PortsWord] & sub.PortsMask);
            var mbits = sub.PortsTrie.Lookup(value, 32, out _);
            var prefix = mbits == 0 ? 0u : uint.MaxValue << (32 - mbits);
            wc[F.PortsWord] |= sub.PortsMask & prefix;
            goto NoMatch;
        }
        if (stats is not null && chain is not null) stats.RulesExamined++;
        wc.OrWith(sub.Mask);
        return chain?[0];

    NoMatch:
        for (var s = 0; s < stagesEnd; s++)
        {
            var (from, to) = Subtable.StageWords(sub.Stages[s]);
            for (var w = from; w < to; w++) wc[w] |= sub.Mask[w];
        }
        return null;
    }

    /// <summary>OVS's <c>check_tries</c>: true if a prefix trie proves this subtable cannot match.</summary>
    private bool CheckTries(Subtable sub, in FlowKey flow, ref TrieContext ctx, ref FlowKey wc)
    {
        for (var j = 0; j < 2; j++)
        {
            var plen = sub.TriePlen[j];
            if (plen == 0) continue;
            bool done = j == 0 ? ctx.Done0 : ctx.Done1;
            if (!done)
            {
                int maskBits;
                ulong plens;
                if ((ushort)flow.Get(F.DlType) == F.EthTypeIp) maskBits = _tries[j].Lookup((uint)flow.Get(TrieFields[j]), 32, out plens);
                else { maskBits = 0; plens = ulong.MaxValue; }     // prerequisites not met: no skipping
                if (j == 0) { ctx.Done0 = true; ctx.MaskBits0 = maskBits; ctx.Plens0 = plens; }
                else { ctx.Done1 = true; ctx.MaskBits1 = maskBits; ctx.Plens1 = plens; }
            }
            var mbits = j == 0 ? ctx.MaskBits0 : ctx.MaskBits1;
            var pl = j == 0 ? ctx.Plens0 : ctx.Plens1;
            if ((pl & (1UL << (plen - 1))) != 0) continue;
            var field = TrieFields[j];
            var prefix = mbits == 0 ? 0UL : (0xffff_ffffUL << (32 - mbits)) & 0xffff_ffffUL;
            if (mbits <= plen)
            {
                wc.Or(field, prefix);
                return true;
            }
            if ((wc.Get(field) & prefix) == prefix) return true;
        }
        return false;
    }

    // ----- OVS's pvector, simulated so that equal-priority subtables keep OVS's order -----

    private void AfterAdd(Subtable sub, int priority, bool newSubtable)
    {
        if (newSubtable)
        {
            sub.MaxPriority = priority;
            sub.MaxCount = 1;
            // pvector_insert: appended when it sorts last, otherwise appended and stably re-sorted.
            var appendsInOrder = _vector.Count == 0 || priority <= _vector[^1].MaxPriority;
            _vector.Add(sub);
            if (!appendsInOrder) StableSort();
        }
        else if (priority == sub.MaxPriority) sub.MaxCount++;
        else if (priority > sub.MaxPriority)
        {
            sub.MaxCount = 1;
            VectorChangePriority(sub, priority);
        }
    }

    private void VectorChangePriority(Subtable sub, int priority)
    {
        var index = _vector.IndexOf(sub);
        var old = sub.MaxPriority;
        sub.MaxPriority = priority;
        var outOfOrder = (priority > old && index > 0 && priority > _vector[index - 1].MaxPriority)
                         || (priority < old && index < _vector.Count - 1 && priority < _vector[index + 1].MaxPriority);
        if (outOfOrder) StableSort();
    }

    private void VectorRemove(Subtable sub)
    {
        // pvector_remove: the last entry fills the gap, then the vector is stably re-sorted.
        var index = _vector.IndexOf(sub);
        var last = _vector.Count - 1;
        if (index != last) _vector[index] = _vector[last];
        _vector.RemoveAt(last);
        StableSort();
    }

    private void StableSort()
    {
        var sorted = _vector.OrderByDescending(s => s.MaxPriority).ToList();   // LINQ OrderBy is stable, like glibc's merge-sort qsort
        _vector.Clear();
        _vector.AddRange(sorted);
    }

    /// <summary>Subtables in lookup order (for tests and diagnostics): mask, max priority, rule count.</summary>
    public IEnumerable<(FlowKey Mask, int MaxPriority, int Rules)> Subtables => _vector.Select(s => (s.Mask, s.MaxPriority, s.RuleCount));
}
