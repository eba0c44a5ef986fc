namespace DcSim.SimCore.Kernel;

/// <summary>
/// A shell action applied to a held run (<see cref="LogicalProcess.Apply"/>): verb <paramref name="Verb"/> with its
/// <paramref name="Arguments"/>, numbered <paramref name="Id"/> by the client (the name of the components it adds), at simulated time
/// <paramref name="Time"/>, the barrier where the run holds: every event before it is handled, none at or after it.
/// </summary>
public sealed record Directive(long Id, long Time, string Verb, string[] Arguments);

/// <summary>
/// What the LP that took a directive did with it: applied (<paramref name="Accepted"/>) with the component paths under which its counters
/// appear in snapshots and results (<paramref name="Entities"/>), or refused (bad arguments) with <paramref name="Detail"/> saying why.
/// </summary>
public sealed record DirectiveResult(bool Accepted, string Detail, string[] Entities)
{
    public static DirectiveResult Applied(string detail, params string[] entities) => new(true, detail, entities);

    public static DirectiveResult Refused(string detail) => new(false, detail, []);
}
