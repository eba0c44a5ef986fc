namespace DcSim.SimCore.Randomness;

/// <summary>
/// Hands out independent random streams, each seeded from (scenario seed, entity id, stream name)
/// only, so a draw never depends on which node, partition or thread runs the entity.
/// </summary>
public static class RandomStreams
{
    public static Rng Create(ulong scenarioSeed, long entityId, string streamName)
    {
        var h = SplitMix(scenarioSeed ^ 0x9E3779B97F4A7C15UL);
        h = SplitMix(h ^ (ulong)entityId);
        foreach (var c in streamName) h = SplitMix(h ^ c);
        return new Rng(h);
    }

    internal static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

/// <summary>xoshiro256** generator: fast, 2^256 period, fully determined by its seed.</summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        _s0 = RandomStreams.SplitMix(seed);
        _s1 = RandomStreams.SplitMix(_s0);
        _s2 = RandomStreams.SplitMix(_s1);
        _s3 = RandomStreams.SplitMix(_s2);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound));
        var m = (UInt128)NextUInt64() * (ulong)bound;
        var low = (ulong)m;
        if (low < (ulong)bound)
        {
            var threshold = (0UL - (ulong)bound) % (ulong)bound;
            while (low < threshold) { m = (UInt128)NextUInt64() * (ulong)bound; low = (ulong)m; }
        }
        return (int)(m >> 64);
    }

    /// <summary>Exponential with the given mean; 1 - U keeps the argument of the log in (0, 1].</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
