using System.Text;
using System.Text.Json;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>Kinds of trace lines, as ofproto/trace distinguishes them.</summary>
public enum TraceNodeKind { Bridge, Table, Action, Detail, Warn, Error }

/// <summary>One line of an ofproto/trace style report, with the lines nested under it.</summary>
public sealed class TraceNode(TraceNodeKind kind, string text)
{
    public TraceNodeKind Kind { get; } = kind;
    public string Text { get; } = text;
    public List<TraceNode> Children { get; } = new();

    private bool IsTerminal => Kind is TraceNodeKind.Action or TraceNodeKind.Detail or TraceNodeKind.Warn or TraceNodeKind.Error;

    /// <summary>Prints <paramref name="nodes"/> with OVS's indentation rules (<c>oftrace_node_print_details</c>).</summary>
    public static void Print(StringBuilder s, IReadOnlyList<TraceNode> nodes, int level)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (n.Kind == TraceNodeKind.Bridge) s.Append('\n');
            var more = i < nodes.Count - 1 || n.IsTerminal ? 1 : 0;
            s.Append(' ', (level + more) * 4);
            switch (n.Kind)
            {
                case TraceNodeKind.Detail: s.Append(" -> ").Append(n.Text).Append('\n'); break;
                case TraceNodeKind.Warn: s.Append(" >> ").Append(n.Text).Append('\n'); break;
                case TraceNodeKind.Error: s.Append(" >>>> ").Append(n.Text).Append(" <<<<\n"); break;
                case TraceNodeKind.Bridge:
                    s.Append(n.Text).Append('\n');
                    s.Append(' ', (level + more) * 4).Append('-', n.Text.Length).Append('\n');
                    break;
                default: s.Append(n.Text).Append('\n'); break;
            }
            Print(s, n.Children, level + 2 * more);
        }
    }
}

/// <summary>One table lookup of a translation: the rule found (null priority and match on a miss) and its actions.</summary>
public sealed record TableVisit(int Table, int? Priority, string? Match, string Actions, OpenFlowRule? Rule);

/// <summary>
/// The outcome of translating one packet through the OpenFlow pipeline, as ofproto/trace reports it:
/// the tables visited, the final flow, the megaflow (match + mask) and the datapath actions.
/// </summary>
public sealed class TraceResult
{
    public required FlowKey Packet { get; init; }
    public required FlowKey FinalFlow { get; init; }
    /// <summary>The megaflow: the packet's values under the mask of every bit the translation consulted.</summary>
    public required FlowMatch Megaflow { get; init; }
    public required IReadOnlyList<DatapathAction> Actions { get; init; }
    public required IReadOnlyList<TableVisit> Tables { get; init; }
    public required IReadOnlyList<TraceNode> Nodes { get; init; }
    /// <summary>Why translation failed (e.g. "Recursion too deep"), or null. A failed translation drops the packet.</summary>
    public string? Error { get; init; }
    public required string BridgeName { get; init; }

    public string DatapathActionsText => DatapathAction.Format(Actions);
    public string MegaflowText => Megaflow.ToString();
    public string PacketText => MatchFormatter.FormatFlow(Packet);
    public string FinalFlowText => FinalFlow == Packet ? "unchanged" : MatchFormatter.FormatFlow(FinalFlow);

    /// <summary>
    /// One line of <c>dcsim ovs-trace --json</c>: <c>packet</c> (as given), <c>flow</c>, <c>tables</c>
    /// ({table, priority, match, actions}; priority and match null on a miss), <c>datapath_actions</c>,
    /// <c>megaflow</c>, <c>final_flow</c>, <c>error</c> (null unless translation failed). The field
    /// order is fixed so that the output is reproducible byte for byte.
    /// </summary>
    public string ToJsonLine(string packetText)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("packet", packetText);
            w.WriteString("flow", PacketText);
            w.WriteStartArray("tables");
            foreach (var t in Tables)
            {
                w.WriteStartObject();
                w.WriteNumber("table", t.Table);
                if (t.Priority is { } p) w.WriteNumber("priority", p); else w.WriteNull("priority");
                if (t.Match is { } m) w.WriteString("match", m); else w.WriteNull("match");
                w.WriteString("actions", t.Actions);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("datapath_actions", DatapathActionsText);
            w.WriteString("megaflow", MegaflowText);
            w.WriteString("final_flow", FinalFlowText);
            if (Error is { } e) w.WriteString("error", e); else w.WriteNull("error");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The report in the layout of <c>ovs-appctl ofproto/trace</c>.</summary>
    public string ToHumanText()
    {
        var s = new StringBuilder();
        s.Append("Flow: ").Append(PacketText).Append('\n');
        var bridge = new TraceNode(TraceNodeKind.Bridge, $"bridge(\"{BridgeName}\")");
        bridge.Children.AddRange(Nodes);
        TraceNode.Print(s, [bridge], 0);
        s.Append("\nFinal flow: ").Append(FinalFlowText).Append('\n');
        s.Append("Megaflow: ").Append(MegaflowText).Append('\n');
        s.Append("Datapath actions: ").Append(DatapathActionsText).Append('\n');
        if (Error is not null) s.Append("\nTranslation failed (").Append(Error).Append("), packet is dropped.\n");
        return s.ToString();
    }
}
