using System.Runtime.CompilerServices;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>The fourteen 64-bit words of a <see cref="FlowKey"/>.</summary>
[InlineArray(FlowKey.WordCount)]
public struct FlowWords
{
    private ulong _element;
}

/// <summary>
/// The header fields of a packet as Open vSwitch sees them, packed into a fixed array of 64-bit words
/// so that a wildcard mask has exactly the same shape as a key (a mask is a <see cref="FlowKey"/> whose
/// one bits are the bits that matter).
/// </summary>
/// <remarks>
/// The words are grouped into the four lookup stages of OVS's classifier, in OVS's order
/// (<c>struct flow</c>: metadata, then L2, then L3, then L4), because staged lookup decides which
/// stages a lookup consulted and therefore which bits end up in a megaflow's mask:
/// <code>
///  stage 0 metadata: w0 metadata | w1 reg0,reg1 | w2 reg2,reg3 | w3 reg4,reg5 | w4 reg6,reg7 | w5 in_port,recirc_id
///  stage 1 L2:       w6 dl_dst,dl_type | w7 dl_src,vlan_tci | w8 vlan_tpid,vlan_tpid1,vlan_tci1 (second VLAN header)
///  stage 2 L3:       w9 nw_src,nw_dst | w10 nw_frag,nw_tos,nw_ttl,nw_proto
///  stage 3 L4:       w11 arp_sha,tcp_flags | w12 arp_tha | w13 tp_src,tp_dst
/// </code>
/// As in OVS, ARP reuses nw_src/nw_dst for its protocol addresses and nw_proto for its opcode, and ICMP
/// reuses tp_src/tp_dst for its type and code, so a rule on <c>arp_tpa</c> lands in the same prefix
/// trie as a rule on <c>nw_dst</c>. The word layout itself is ours; only the stage of each field matters
/// for the masks a lookup produces. A VLAN header is present when its CFI bit (0x1000) is set.
/// </remarks>
public struct FlowKey : IEquatable<FlowKey>
{
    public const int WordCount = 14;
    public static readonly FlowKey Zero;
    public static readonly FlowKey AllOnes = CreateAllOnes();

    private FlowWords _w;

    public ulong this[int word]
    {
        readonly get => _w[word];
        set => _w[word] = value;
    }

    /// <summary>The value of <paramref name="field"/>, right-aligned.</summary>
    public readonly ulong Get(FlowField field) => (_w[field.Word] >> field.Shift) & field.Ones;

    /// <summary>Sets <paramref name="field"/> to <paramref name="value"/> (extra high bits are dropped).</summary>
    public void Set(FlowField field, ulong value)
    {
        var m = field.Ones << field.Shift;
        _w[field.Word] = (_w[field.Word] & ~m) | ((value << field.Shift) & m);
    }

    /// <summary>Sets only the bits of <paramref name="field"/> selected by <paramref name="mask"/>.</summary>
    public void SetMasked(FlowField field, ulong value, ulong mask)
    {
        var m = (mask & field.Ones) << field.Shift;
        _w[field.Word] = (_w[field.Word] & ~m) | ((value << field.Shift) & m);
    }

    /// <summary>ORs <paramref name="mask"/> into the field (used to unwildcard bits of a mask).</summary>
    public void Or(FlowField field, ulong mask) => _w[field.Word] |= (mask & field.Ones) << field.Shift;

    /// <summary>Makes every bit of the field significant (all ones).</summary>
    public void Exact(FlowField field) => Or(field, field.Ones);

    public readonly FlowKey And(in FlowKey mask)
    {
        var r = new FlowKey();
        for (var i = 0; i < WordCount; i++) r._w[i] = _w[i] & mask._w[i];
        return r;
    }

    public void OrWith(in FlowKey other)
    {
        for (var i = 0; i < WordCount; i++) _w[i] |= other._w[i];
    }

    /// <summary>ORs the words <paramref name="fromWord"/>..<paramref name="toWord"/>-1 of <paramref name="other"/> into this key.</summary>
    public void OrWords(in FlowKey other, int fromWord, int toWord)
    {
        for (var i = fromWord; i < toWord; i++) _w[i] |= other._w[i];
    }

    public readonly bool IsZero()
    {
        for (var i = 0; i < WordCount; i++) if (_w[i] != 0) return false;
        return true;
    }

    /// <summary>True if this key agrees with <paramref name="value"/> on every bit of <paramref name="mask"/>.</summary>
    public readonly bool MatchesMasked(in FlowKey value, in FlowKey mask)
    {
        for (var i = 0; i < WordCount; i++) if (((_w[i] ^ value._w[i]) & mask._w[i]) != 0) return false;
        return true;
    }

    public readonly bool Equals(FlowKey other)
    {
        for (var i = 0; i < WordCount; i++) if (_w[i] != other._w[i]) return false;
        return true;
    }

    public override readonly bool Equals(object? obj) => obj is FlowKey k && Equals(k);

    public override readonly int GetHashCode()
    {
        ulong h = 0x9E3779B97F4A7C15;
        for (var i = 0; i < WordCount; i++) h = Mix(h ^ _w[i]);
        return (int)(h ^ (h >> 32));
    }

    /// <summary>A well-spread 64-bit hash of words <paramref name="fromWord"/>..<paramref name="toWord"/>-1 of this key AND <paramref name="mask"/>, continuing from <paramref name="basis"/>.</summary>
    public readonly ulong HashMasked(in FlowKey mask, int fromWord, int toWord, ulong basis)
    {
        var h = basis;
        for (var i = fromWord; i < toWord; i++) h = Mix(h ^ (_w[i] & mask._w[i]) ^ ((ulong)i << 56));
        return h;
    }

    /// <summary>Like <see cref="HashMasked"/> over an explicit list of words (those whose mask is non-zero).</summary>
    public readonly ulong HashMaskedWords(in FlowKey mask, int[] words, ulong basis)
    {
        var h = basis;
        foreach (var i in words) h = Mix(h ^ (_w[i] & mask._w[i]) ^ ((ulong)i << 56));
        return h;
    }

    public static bool operator ==(FlowKey a, FlowKey b) => a.Equals(b);
    public static bool operator !=(FlowKey a, FlowKey b) => !a.Equals(b);

    private static ulong Mix(ulong x)
    {
        x ^= x >> 31; x *= 0x7FB5D329728EA185; x ^= x >> 27; x *= 0x81DADEF4BC2DD44D; x ^= x >> 33;
        return x;
    }

    private static FlowKey CreateAllOnes()
    {
        var k = new FlowKey();
        for (var i = 0; i < WordCount; i++) k._w[i] = ulong.MaxValue;
        return k;
    }

    public override readonly string ToString() => MatchFormatter.FormatFlow(this);
}
