namespace DcSim.SimCore.Components;

/// <summary>
/// A component's path: a whole string, or the path of what it is part of and its own name, joined ("host12" and "nic0" are
/// "host12/nic0") each time the path is read. A server's NIC and stack keep their server's name and a name every server shares
/// instead of two strings of their own, about 100 B of an idle host (docs/benchmarks.md, "an idle host under 1 KB").
/// </summary>
public readonly record struct ComponentPath(string Owner, string? Name)
{
    public static implicit operator ComponentPath(string path) => new(path, null);

    public override string ToString() => Name is null ? Owner : string.Concat(Owner, "/", Name);
}
