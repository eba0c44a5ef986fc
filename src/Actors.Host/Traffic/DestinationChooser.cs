using DcSim.SimCore.Randomness;

namespace DcSim.ActorsHost.Traffic;

/// <summary>
/// Picks flow destinations by pattern; every choice depends only on the seed and the sending endpoint. With a destination
/// set (<see cref="StreamSettings.Destinations"/>), random picks among the set, and permutation maps the i-th of the
/// generator's sources to element π(i) mod n of the set (π a random permutation of the sources), so that two disjoint
/// groups pair off evenly; a source never sends to itself.
/// </summary>
internal sealed class DestinationChooser
{
    private readonly DestinationPattern _pattern;
    private readonly int _endpointCount;
    private readonly int _target;
    private readonly int[]? _permutation;
    private readonly IReadOnlyList<int>? _set;
    private readonly IReadOnlyList<int> _sources;

    public DestinationChooser(GeneratorSettings settings, int endpointCount, ulong seed)
    {
        _pattern = settings.Destination;
        _endpointCount = endpointCount;
        _target = settings.TargetHost;
        _set = settings.Stream.Destinations;
        _sources = settings.Hosts;
        if (_pattern == DestinationPattern.Permutation)
            _permutation = _set is null
                ? Derangement(endpointCount, RandomStreams.Create(seed, settings.Index, "permutation"))
                : Shuffle(_sources.Count, RandomStreams.Create(seed, settings.Index, "permutation"));
    }

    public bool CanSend(int endpoint) => _pattern switch
    {
        DestinationPattern.Incast or DestinationPattern.Fixed => endpoint != _target,
        _ when _set is not null => _set.Count > 1 || (_set.Count == 1 && _set[0] != endpoint),
        _ => _endpointCount > 1,
    };

    public int Choose(int endpoint, Rng rng) => _pattern switch
    {
        DestinationPattern.Random when _set is not null => RandomInSet(endpoint, rng),
        DestinationPattern.Random => RandomOther(endpoint, rng),
        DestinationPattern.Permutation when _set is not null => PairedInSet(endpoint),
        DestinationPattern.Permutation => _permutation![endpoint],
        _ => _target,
    };

    private int RandomOther(int endpoint, Rng rng)
    {
        var d = rng.NextInt(_endpointCount - 1);
        return d >= endpoint ? d + 1 : d;
    }

    private int RandomInSet(int endpoint, Rng rng)
    {
        var set = _set!;
        var self = IndexOf(set, endpoint);
        if (self < 0) return set[rng.NextInt(set.Count)];
        var d = rng.NextInt(set.Count - 1);
        return set[d >= self ? d + 1 : d];
    }

    private int PairedInSet(int endpoint)
    {
        var set = _set!;
        var i = IndexOf(_sources, endpoint);
        var pick = _permutation![i] % set.Count;
        return set[pick] != endpoint ? set[pick] : set[(pick + 1) % set.Count];
    }

    private static int IndexOf(IReadOnlyList<int> sorted, int value)
    {
        int low = 0, high = sorted.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (sorted[mid] == value) return mid;
            if (sorted[mid] < value) low = mid + 1;
            else high = mid - 1;
        }
        return -1;
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

    /// <summary>Fisher-Yates: a uniformly random permutation.</summary>
    private static int[] Shuffle(int n, Rng rng)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
