using DcSim.SimCore.Randomness;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsHost.Traffic;

/// <summary>Picks flow destinations by pattern; every choice depends only on the seed and the host.</summary>
internal sealed class DestinationChooser
{
    private readonly DestinationPattern _pattern;
    private readonly int _hostCount;
    private readonly int _target;
    private readonly int[]? _permutation;

    public DestinationChooser(GeneratorSettings settings, int hostCount, ulong seed)
    {
        _pattern = settings.Destination;
        _hostCount = hostCount;
        _target = settings.TargetHost;
        if (_pattern == DestinationPattern.Permutation)
            _permutation = Derangement(hostCount, RandomStreams.Create(seed, settings.Index, "permutation"));
    }

    public bool CanSend(int host) => _pattern switch
    {
        DestinationPattern.Incast or DestinationPattern.Fixed => host != _target,
        _ => _hostCount > 1,
    };

    public int Choose(int host, Rng rng) => _pattern switch
    {
        DestinationPattern.Random => RandomOther(host, rng),
        DestinationPattern.Permutation => _permutation![host],
        _ => _target,
    };

    private int RandomOther(int host, Rng rng)
    {
        var d = rng.NextInt(_hostCount - 1);
        return d >= host ? d + 1 : d;
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
