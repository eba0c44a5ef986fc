namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>A match: the values of the significant bits (<see cref="Key"/>, always pre-masked) and which bits are significant (<see cref="Mask"/>).</summary>
public readonly struct FlowMatch : IEquatable<FlowMatch>
{
    public FlowMatch(in FlowKey key, in FlowKey mask)
    {
        Key = key.And(mask);
        Mask = mask;
    }

    public static readonly FlowMatch CatchAll = new(FlowKey.Zero, FlowKey.Zero);

    public FlowKey Key { get; }
    public FlowKey Mask { get; }

    public bool Matches(in FlowKey packet) => packet.MatchesMasked(Key, Mask);

    /// <summary>True if every packet this match accepts is also accepted by <paramref name="other"/> (OVS's "loose" match used by del-flows/mod-flows).</summary>
    public bool IsSubsetOf(in FlowMatch other)
    {
        for (var i = 0; i < FlowKey.WordCount; i++)
        {
            if ((other.Mask[i] & ~Mask[i]) != 0) return false;       // other cares about a bit we wildcard
            if (((Key[i] ^ other.Key[i]) & other.Mask[i]) != 0) return false;
        }
        return true;
    }

    public bool Equals(FlowMatch other) => Key.Equals(other.Key) && Mask.Equals(other.Mask);
    public override bool Equals(object? obj) => obj is FlowMatch m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(Key, Mask);
    public static bool operator ==(FlowMatch a, FlowMatch b) => a.Equals(b);
    public static bool operator !=(FlowMatch a, FlowMatch b) => !a.Equals(b);

    /// <summary>The match in OVS syntax, as <c>ovs-ofctl dump-flows</c> prints it (without priority).</summary>
    public override string ToString() => MatchFormatter.Format(Key, Mask);
}
