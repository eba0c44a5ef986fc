namespace DcSim.SimCore.Metrics;

/// <summary>
/// A table a component keeps, as the lines its real counterpart's tool prints (a vSwitch's OpenFlow rules as `ovs-ofctl dump-flows`
/// prints them): at most a query's limit of them, in the component's own stable order, with how many there are in all. Snapshots carry
/// listings only when a query asks for them (<see cref="ListingQuery"/>): they cost a line of text per entry, counters cost nothing.
/// </summary>
/// <param name="AtPs">The simulated time the lines are relative to (ages and durations in them count up to it).</param>
/// <param name="Total">How many entries the table holds; <see cref="Lines"/> has the first of them, so Total - Lines.Count are left out.</param>
public sealed record Listing(long AtPs, long Total, IReadOnlyList<string> Lines);

/// <summary>
/// Asks a snapshot for the listings of the components at <paramref name="Path"/> or under it, each of at most <paramref name="Limit"/>
/// lines, as they stand at <paramref name="AtPs"/> (the time the run holds at), or at the partition's own time when that is later or
/// <paramref name="AtPs"/> is -1 (a running experiment).
/// </summary>
public sealed record ListingQuery(string Path, int Limit, long AtPs)
{
    /// <summary>Whether the component at <paramref name="componentPath"/> is the one asked for or under it.</summary>
    public bool Covers(string componentPath) =>
        componentPath == Path || (componentPath.Length > Path.Length && componentPath.StartsWith(Path, StringComparison.Ordinal) && componentPath[Path.Length] == '/');
}

/// <summary>What a component writes its listings into: each by name, cut to the query's limit here, not by each component.</summary>
public sealed class ComponentListings(ResultsBuilder results, string path, int limit, long atPs)
{
    /// <summary>The time the listings are taken at: ages and durations count up to it.</summary>
    public long AtPs { get; } = atPs;

    /// <summary>Adds the listing <paramref name="name"/> of <paramref name="total"/> entries: the first lines of <paramref name="lines"/>, up to the limit.</summary>
    public void Add(string name, long total, IEnumerable<string> lines) => results.List(path, name, new Listing(AtPs, total, lines.Take(limit).ToList()));
}
