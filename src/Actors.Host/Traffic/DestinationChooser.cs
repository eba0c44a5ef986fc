using DcSim.SimCore.Randomness;

namespace DcSim.ActorsHost.Traffic;

/// <summary>Picks flow destinations by pattern; every choice depends only on the seed and the sending endpoint.</summary>
internal sealed class DestinationChooser
{
    private readonly DestinationPattern _pattern;
    private readonly int _endpointCount;
    private readonly int _target;
    private readonly int[]? _permutation;

    public DestinationChooser(GeneratorSettings settings, int endpointCount, ulong seed)
    {
        _pattern = settings.Destination;
        _endpointCount = endpointCount;
        _target = settings.TargetHost;
        if (_pattern == DestinationPattern.Permutation)
            _permutation = Derangement(endpointCount, RandomStreams.Create(seed, settings.Index, "permutation"));
    }

    public bool CanSend(int endpoint) => _pattern switch
    {
        DestinationPattern.Incast or DestinationPattern.Fixed => endpoint != _target,
        _ => _endpointCount > 1,
    };

    public int Choose(int endpoint, Rng rng) => _pattern switch
    {
        DestinationPattern.Random => RandomOther(endpoint, rng),
        DestinationPattern.Permutation => _permutation![endpoint],
        _ => _target,
    };

    private int RandomOther(int endpoint, Rng rng)
    {
        var d = rng.NextInt(_endpointCount - 1);
        return d >= endpoint ? d + 1 : d;
    }

    /// <summary>Sattolo's shuffle: a uniformly random single cycle, hence no host maps to itself.</summary>
    internal static int[] Derangement(int n, Rng rng)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.NextInt(i);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
