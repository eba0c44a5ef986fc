namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// The action list of a datapath flow, typed: what the owner of the datapath executes per packet (rewrite
/// headers, send to ports) and, as <see cref="Text"/>, what `ovs-appctl dpctl/dump-flows` prints. Two
/// lists are equal when they print the same, which is how the revalidator tells a changed flow.
/// </summary>
public sealed class DatapathActions : IEquatable<DatapathActions>
{
    public DatapathActions(IReadOnlyList<DatapathAction> actions)
    {
        Actions = actions;
        Text = DatapathAction.Format(actions);
        OutputPorts = actions.OfType<DpOutput>().Select(o => (int)o.DpPort).ToArray();
        RewritesHeaders = actions.Any(a => a is not DpOutput);
    }

    public IReadOnlyList<DatapathAction> Actions { get; }
    public string Text { get; }

    /// <summary>The datapath ports the packet leaves through, in action order (empty: dropped).</summary>
    public IReadOnlyList<int> OutputPorts { get; }

    /// <summary>Whether any action changes the packet's headers (VLAN push/pop, set fields).</summary>
    public bool RewritesHeaders { get; }

    public bool Equals(DatapathActions? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);
    public override bool Equals(object? obj) => Equals(obj as DatapathActions);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
    public override string ToString() => Text;

    public static bool Same(DatapathActions a, DatapathActions b) => a.Equals(b);
}
