namespace DcSim.ActorsHost.Tcp;

/// <summary>
/// The receiver's out-of-order data: disjoint sequence ranges above the next expected byte, and the SACK blocks to report (RFC 2018
/// §4): the block holding the most recently received segment first, then the most recently reported others, at most three.
/// </summary>
internal sealed class ReassemblyQueue
{
    private readonly List<(long Start, long End)> _ranges = [];
    private readonly List<long> _recent = [];

    public bool IsEmpty => _ranges.Count == 0;
    public long HeldBytes { get; private set; }

    /// <summary>Holds [start, end) above the next expected byte.</summary>
    public void Add(long start, long end)
    {
        var i = 0;
        while (i < _ranges.Count && _ranges[i].End < start) i++;
        var (s, e) = (start, end);
        while (i < _ranges.Count && _ranges[i].Start <= end)
        {
            s = Math.Min(s, _ranges[i].Start);
            e = Math.Max(e, _ranges[i].End);
            HeldBytes -= _ranges[i].End - _ranges[i].Start;
            _ranges.RemoveAt(i);
        }
        _ranges.Insert(i, (s, e));
        HeldBytes += e - s;
        _recent.Remove(start);
        _recent.Insert(0, start);
        if (_recent.Count > 8) _recent.RemoveAt(_recent.Count - 1);
    }

    /// <summary>The next expected byte moved to <paramref name="next"/>: returns where it ends up once the held ranges it reaches are joined.</summary>
    public long Advance(long next)
    {
        while (_ranges.Count > 0 && _ranges[0].Start <= next)
        {
            next = Math.Max(next, _ranges[0].End);
            HeldBytes -= _ranges[0].End - _ranges[0].Start;
            _ranges.RemoveAt(0);
        }
        _recent.RemoveAll(s => s < next);
        return next;
    }

    /// <summary>Up to <paramref name="max"/> blocks to report, most recent first, each a whole held range.</summary>
    public int SackBlocks(Span<(long Start, long End)> blocks)
    {
        var n = 0;
        foreach (var seq in _recent)
        {
            var r = RangeHolding(seq);
            if (r is not { } range) continue;
            var seen = false;
            for (var j = 0; j < n; j++) seen |= blocks[j] == range;
            if (seen) continue;
            blocks[n++] = range;
            if (n == blocks.Length) break;
        }
        return n;
    }

    private (long Start, long End)? RangeHolding(long seq)
    {
        foreach (var r in _ranges)
            if (r.Start <= seq && seq < r.End) return r;
        return null;
    }
}
