using System.Runtime.CompilerServices;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>Where a server hangs: its edge switch (dense index among edge switches) and that switch's port to it.</summary>
public readonly record struct ServerPlace(int Edge, int Port);

/// <summary>
/// How one switch picks a frame's output port: a frame for one of its own servers leaves by that server's port, anything
/// else along a shortest path to the destination's edge switch, chosen among equal-cost next hops by ECMP on the flow hash
/// (<see cref="FabricRoutes"/>). Contained by its <see cref="FabricSwitch"/> (a readonly field): on a large fabric a frame
/// reaches its port without a delegate and its closure, and its destination endpoint's edge and port come from one array
/// (not the endpoint's server, then the server's edge, then its port: three cache misses on 10,000 hosts, docs/benchmarks.md).
/// </summary>
/// <remarks>
/// The next hops are kept flat, by destination edge in one array of ints: a single next hop is the port itself, a set of several
/// is found in a second array (its count, then its ports). A frame reads one int, or an int and its set, where an array of arrays
/// cost a reference, then the array it points to (docs/benchmarks.md, "Issue 14, eighth round").
/// </remarks>
public readonly struct SwitchForwarding
{
    /// <summary>In <see cref="_next"/>: an edge the switch cannot reach (or itself); its complement is past the end of any set array.</summary>
    private const int Unreachable = int.MinValue;

    /// <summary>In <see cref="_uniformNext"/>: the edges' entries differ (no port or set is numbered so).</summary>
    private const int NotUniform = int.MaxValue;

    private readonly ServerPlace[] _places;
    private readonly ServerPlace[] _endpointPlaces;
    /// <summary>By destination edge: the one next-hop port (zero or more), or the complement of where its set starts in <see cref="_sets"/>.</summary>
    private readonly int[] _next;
    /// <summary>The sets of several next hops: a count, then that many ports; one copy of a set the table shares between edges.</summary>
    private readonly int[] _sets;
    /// <summary>
    /// The entry of <see cref="_next"/> for every edge but this switch's own when they are all the same (a leaf of a leaf-spine: its
    /// uplinks' set), else <see cref="NotUniform"/>: such a switch reads no line of <see cref="_next"/>, which on a large fabric had
    /// left the cache since its last frame (docs/benchmarks.md, "Issue 14, twelfth round").
    /// </summary>
    private readonly int _uniformNext;
    private readonly int _self;
    private readonly int _switchLp;

    /// <param name="places">Every server's place, shared by the fabric's switches.</param>
    /// <param name="endpointPlaces">The place of every endpoint's server at the start, shared by the partition's switches.</param>
    /// <param name="table">This switch's next-hop ports by destination edge switch (<see cref="FabricRoutes.TableOf"/>).</param>
    /// <param name="self">This switch's own edge index, or -1 when it has no server.</param>
    /// <param name="switchLp">This switch's LP id: its ECMP hash's salt.</param>
    public SwitchForwarding(ServerPlace[] places, ServerPlace[] endpointPlaces, int[][] table, int self, int switchLp)
    {
        _places = places;
        _endpointPlaces = endpointPlaces;
        _self = self;
        _switchLp = switchLp;
        _next = new int[table.Length];
        var sets = new List<int>();
        var starts = new Dictionary<int[], int>(ReferenceEqualityComparer.Instance);
        for (var edge = 0; edge < table.Length; edge++)
        {
            var hops = table[edge];
            if (hops.Length <= 1)
            {
                _next[edge] = hops.Length == 1 ? hops[0] : Unreachable;
                continue;
            }
            if (!starts.TryGetValue(hops, out var start))
            {
                starts[hops] = start = sets.Count;
                sets.Add(hops.Length);
                sets.AddRange(hops);
            }
            _next[edge] = ~start;
        }
        _sets = [.. sets];
        _uniformNext = UniformEntry(_next, self);
    }

    /// <summary>The one entry of <paramref name="next"/> for every edge but <paramref name="self"/>, or <see cref="NotUniform"/>.</summary>
    private static int UniformEntry(int[] next, int self)
    {
        var uniform = NotUniform;
        for (var edge = 0; edge < next.Length; edge++)
        {
            if (edge == self) continue;
            if (uniform == NotUniform) uniform = next[edge];
            else if (next[edge] != uniform) return NotUniform;
        }
        // An unreachable edge must still throw when a frame is sent there.
        return uniform == Unreachable ? NotUniform : uniform;
    }

    /// <summary>The port towards endpoint <paramref name="endpoint"/> where it started.</summary>
    public int ToEndpoint(uint flowHash, int endpoint) => Port(flowHash, _endpointPlaces[endpoint]);

    /// <summary>The port towards server <paramref name="server"/> (an endpoint that moved there).</summary>
    public int ToServer(uint flowHash, int server) => Port(flowHash, _places[server]);

    // Inlined into the switch's Handle as it was before the uniform entry made it longer than the JIT inlines on its own (a call per frame).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Port(uint flowHash, ServerPlace place)
    {
        if (place.Edge == _self) return place.Port;
        var next = _uniformNext != NotUniform ? _uniformNext : _next[place.Edge];
        if (next >= 0) return next;
        // An edge the switch cannot reach reads past the end of the sets and throws.
        var count = _sets[~next];
        return _sets[~next + 1 + EcmpHash.Select(flowHash, _switchLp, count)];
    }
}
