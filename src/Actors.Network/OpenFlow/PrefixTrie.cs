namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// A binary trie of bit prefixes (up to 32 bits, most significant bit first) with a rule count per
/// prefix, answering OVS's <c>trie_lookup_value</c> question: which prefix lengths have rules that
/// match this value, and how many leading bits must be unwildcarded to prove the others cannot.
/// </summary>
/// <remarks>
/// OVS stores a path-compressed trie; its lookup depends only on the set of stored prefixes, so an
/// uncompressed trie (one node per bit) gives the same answers and is simpler. Nodes live in arrays
/// and are recycled through a free list, so inserting and removing rules does not allocate per node.
/// </remarks>
public sealed class PrefixTrie
{
    private int[] _child0 = new int[64];
    private int[] _child1 = new int[64];
    private int[] _rules = new int[64];
    private int _count = 1;          // node 0 is the root (the empty prefix)
    private readonly Stack<int> _free = new();

    /// <summary>Number of stored prefixes (with multiplicity).</summary>
    public int PrefixCount { get; private set; }

    public void Insert(uint value, int length)
    {
        var node = 0;
        for (var d = 0; d < length; d++)
        {
            var bit = (value >> (31 - d)) & 1;
            var next = bit == 0 ? _child0[node] : _child1[node];
            if (next == 0)
            {
                next = NewNode();
                if (bit == 0) _child0[node] = next; else _child1[node] = next;
            }
            node = next;
        }
        _rules[node]++;
        PrefixCount++;
    }

    public void Remove(uint value, int length)
    {
        Span<int> path = stackalloc int[33];
        var node = 0;
        path[0] = 0;
        for (var d = 0; d < length; d++)
        {
            var bit = (value >> (31 - d)) & 1;
            node = bit == 0 ? _child0[node] : _child1[node];
            if (node == 0) throw new InvalidOperationException("prefix not in trie");
            path[d + 1] = node;
        }
        if (_rules[node] == 0) throw new InvalidOperationException("prefix not in trie");
        _rules[node]--;
        PrefixCount--;
        // Prune nodes that no longer lead to any prefix.
        for (var d = length; d > 0; d--)
        {
            var n = path[d];
            if (_rules[n] != 0 || _child0[n] != 0 || _child1[n] != 0) break;
            var parent = path[d - 1];
            if (_child0[parent] == n) _child0[parent] = 0; else _child1[parent] = 0;
            _free.Push(n);
        }
    }

    /// <summary>
    /// Looks <paramref name="value"/> up. <paramref name="plens"/> gets bit L-1 set for every length L
    /// at which a stored prefix equals the value's first L bits. Returns the number of leading bits
    /// needed to rule out the longer prefixes that did not match (OVS's "maskbits").
    /// </summary>
    public int Lookup(uint value, int nBits, out ulong plens)
    {
        plens = 0;
        var node = 0;
        for (var d = 0; ; d++)
        {
            if (d > 0 && _rules[node] > 0) plens |= 1UL << (d - 1);
            if (d >= nBits) return nBits;
            var bit = (value >> (31 - d)) & 1;
            var next = bit == 0 ? _child0[node] : _child1[node];
            if (next == 0)
            {
                // Nothing further along our path; if the tree continues the other way, one more bit proves we are not there.
                var other = bit == 0 ? _child1[node] : _child0[node];
                return other != 0 ? d + 1 : d;
            }
            node = next;
        }
    }

    private int NewNode()
    {
        int n;
        if (_free.Count > 0) n = _free.Pop();
        else
        {
            if (_count == _child0.Length)
            {
                Array.Resize(ref _child0, _count * 2);
                Array.Resize(ref _child1, _count * 2);
                Array.Resize(ref _rules, _count * 2);
            }
            n = _count++;
        }
        _child0[n] = 0; _child1[n] = 0; _rules[n] = 0;
        return n;
    }
}
