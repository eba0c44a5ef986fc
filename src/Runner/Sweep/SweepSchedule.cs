namespace DcSim.Runner.Sweep;

/// <summary>What became of a point whose run failed on a member.</summary>
internal enum PointFailure
{
    /// <summary>Back in the queue, for a member it has not failed on.</summary>
    Retry,
    /// <summary>Failed <see cref="SweepSchedule{TMember}.MaxFailures"/> times, or no live member is left that it has not failed on.</summary>
    GivenUp,
    /// <summary>The point was done already (another member returned it first): nothing changes.</summary>
    Ignored,
}

/// <summary>
/// Which point runs where when a sweep is spread over cluster members. Plain state, no actor and no clock: the cluster
/// runner drives it from cluster events and members' replies, and the tests drive it directly.
/// </summary>
/// <remarks>
/// Points wait in grid order; each member runs at most one at a time, and a free member takes the first waiting point
/// it may run. A member that is lost gives its point back to its place in the queue. A point that fails on a member is
/// never given to that member again; after <see cref="MaxFailures"/> failures, or once every live member has failed it,
/// it is given up. A point is done at its first result: a later one (from a member thought lost that finished after all,
/// while the point ran again elsewhere) is ignored, and a point done is never handed out again. Results do not depend on
/// this order (every point's run is deterministic on its own); only the wall time does.
/// </remarks>
internal sealed class SweepSchedule<TMember> where TMember : notnull
{
    public const int MaxFailures = 2;

    private readonly SortedSet<int> _waiting;
    /// <summary>Live members in the order they came, each with the point it runs (null: free).</summary>
    private readonly List<TMember> _members = [];
    private readonly Dictionary<TMember, int?> _running = [];
    private readonly Dictionary<int, HashSet<TMember>> _failedOn = [];
    private readonly HashSet<int> _done = [];
    private readonly SortedSet<int> _givenUp = [];

    public SweepSchedule(IEnumerable<int> points) => _waiting = [.. points];

    public int Members => _members.Count;
    public int Done => _done.Count;
    public IReadOnlyCollection<int> GivenUp => _givenUp;
    public bool Finished => _waiting.Count == 0 && _running.Values.All(p => p is null);

    public bool Has(TMember member) => _running.ContainsKey(member);

    /// <summary>A member that came up (or back): free, unless it is known already.</summary>
    public void Add(TMember member)
    {
        if (!_running.TryAdd(member, null)) return;
        _members.Add(member);
    }

    /// <summary>Forgets a lost member; returns the point it was running, which waits again (null: it was free or unknown).</summary>
    public int? Lose(TMember member)
    {
        if (!_running.Remove(member, out var point)) return null;
        _members.Remove(member);
        if (point is { } p && !_done.Contains(p) && !_givenUp.Contains(p)) _waiting.Add(p);
        return point;
    }

    /// <summary>
    /// Hands the first waiting points to the free members, each the first it may run; gives up the waiting points that
    /// no live member may run any more (<paramref name="givenUp"/>).
    /// </summary>
    public IReadOnlyList<(TMember Member, int Point)> Assign(out IReadOnlyList<int> givenUp)
    {
        var abandoned = _members.Count == 0 ? [] : _waiting.Where(p => _members.All(m => FailedOn(p, m))).ToList();
        foreach (var p in abandoned) GiveUp(p);
        givenUp = abandoned;
        var assigned = new List<(TMember, int)>();
        foreach (var member in _members)
        {
            if (_running[member] is not null) continue;
            var next = _waiting.Where(p => !FailedOn(p, member)).Take(1).ToList();
            if (next.Count == 0) continue;
            var point = next[0];
            _waiting.Remove(point);
            _running[member] = point;
            assigned.Add((member, point));
        }
        return assigned;
    }

    /// <summary>A result came: true when it is the point's first, to be written; the member, if it ran that point, is free.</summary>
    public bool Complete(TMember member, int point)
    {
        Free(member, point);
        if (!_done.Add(point)) return false;
        _waiting.Remove(point);
        _givenUp.Remove(point);
        return true;
    }

    /// <summary>The point's run threw on the member.</summary>
    public PointFailure Fail(TMember member, int point)
    {
        Free(member, point);
        if (_done.Contains(point) || _givenUp.Contains(point)) return PointFailure.Ignored;
        if (!_failedOn.TryGetValue(point, out var members)) _failedOn[point] = members = [];
        members.Add(member);
        if (members.Count >= MaxFailures || _members.All(m => members.Contains(m)))
        {
            GiveUp(point);
            return PointFailure.GivenUp;
        }
        _waiting.Add(point);
        return PointFailure.Retry;
    }

    private void Free(TMember member, int point)
    {
        if (_running.TryGetValue(member, out var running) && running == point) _running[member] = null;
    }

    private void GiveUp(int point)
    {
        _waiting.Remove(point);
        _givenUp.Add(point);
    }

    private bool FailedOn(int point, TMember member) => _failedOn.TryGetValue(point, out var members) && members.Contains(member);
}
