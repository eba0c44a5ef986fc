using System.Globalization;
using System.Text;
using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.SimCore.Units;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// A vSwitch's tables as Open vSwitch 3.1 prints them, with simulated time for the wall clock: its OpenFlow rules as
/// <c>ovs-ofctl dump-flows</c> (OpenFlow 1.0 with Nicira extensions, its default) and its datapath flows as
/// <c>ovs-appctl dpctl/dump-flows</c>. Field order and number formats are those of lib/ofp-flow.c (<c>ofputil_flow_stats_format</c>)
/// and lib/dpif.c (<c>format_dpif_flow</c>), checked against lines from a real OVS (tests/Actors.Network.Tests/Ovs/FlowDumpSpec.cs).
/// </summary>
/// <remarks>
/// Left out, because the model does not keep them: a rule's <c>hard_age</c> (OVS prints it once a rule was modified; the model keeps
/// no modification time), <c>send_flow_rem</c> and other flow-mod flags, <c>importance</c>; a datapath flow's <c>flags:</c> (the TCP
/// flags seen, which the model does not gather) and the "flow-dump from ..." line that names the thread each flow is on.
/// </remarks>
public static class FlowDump
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// One rule with its statistics at <paramref name="nowPs"/>: <c> cookie=0x0, duration=4.056s, table=0, n_packets=3, n_bytes=354,
    /// idle_timeout=30, idle_age=2, priority=100,tcp,nw_dst=10.0.0.2,tp_dst=80 actions=output:2</c> (a leading space, as OVS prints it).
    /// </summary>
    public static string Rule(OpenFlowRule rule, long nowPs)
    {
        var s = new StringBuilder(128);
        s.Append(" cookie=").Append("0x").Append(rule.Cookie.ToString("x", Invariant));
        s.Append(", duration=").Append(Duration(nowPs - rule.InstalledPs));
        s.Append(", table=").Append(rule.Table.ToString(Invariant));
        s.Append(", n_packets=").Append(rule.PacketCount.ToString(Invariant)).Append(", n_bytes=").Append(rule.ByteCount.ToString(Invariant));
        if (rule.IdleTimeout != 0) s.Append(", idle_timeout=").Append(rule.IdleTimeout.ToString(Invariant));
        if (rule.HardTimeout != 0) s.Append(", hard_timeout=").Append(rule.HardTimeout.ToString(Invariant));
        // Whole seconds since the rule was last used, as the Nicira flow stats carry it.
        s.Append(", idle_age=").Append(((nowPs - rule.LastUsedPs) / SimTime.Second).ToString(Invariant)).Append(", ");
        var match = rule.MatchText;
        if (rule.Priority != RuleFileParser.DefaultPriority)
        {
            s.Append("priority=").Append(rule.Priority.ToString(Invariant));
            if (match.Length > 0) s.Append(',');
        }
        s.Append(match);
        if (s[^1] != ' ') s.Append(' ');
        return s.Append("actions=").Append(rule.ActionsText).ToString();
    }

    /// <summary>
    /// One datapath flow at <paramref name="nowPs"/>: <c>recirc_id(0),in_port(1),...,tcp(dst=80), packets:2, bytes:236, used:2.560s,
    /// actions:2</c>; <c>used:never</c> for a flow no packet has hit since the upcall that installed it (that packet is not counted).
    /// </summary>
    public static string Megaflow(Megaflow<DatapathActions> flow, long nowPs, bool packetType)
    {
        var s = new StringBuilder(OdpKeyFormatter.Format(flow.OriginalKey, flow.Mask, packetType), 200);
        s.Append(", packets:").Append(flow.Packets.ToString(Invariant)).Append(", bytes:").Append(flow.Bytes.ToString(Invariant)).Append(", used:");
        s.Append(flow.Packets == 0 ? "never" : Seconds(nowPs - flow.LastUsed));
        return s.Append(", actions:").Append(flow.Actions.Text).ToString();
    }

    /// <summary>
    /// ofp_print_duration on the millisecond durations ofproto keeps: whole seconds, then three decimals unless the milliseconds are 0
    /// (<c>4.056s</c>, <c>12s</c>).
    /// </summary>
    public static string Duration(long ps)
    {
        var ms = ps / SimTime.Millisecond;
        var text = (ms / 1000).ToString(Invariant);
        return (ms % 1000 == 0 ? text : text + "." + (ms % 1000).ToString("000", Invariant)) + "s";
    }

    /// <summary>dpif_flow_stats_format's age: milliseconds as seconds with three decimals (<c>2.560s</c>).</summary>
    public static string Seconds(long ps)
    {
        var ms = ps / SimTime.Millisecond;
        return (ms / 1000).ToString(Invariant) + "." + (ms % 1000).ToString("000", Invariant) + "s";
    }
}
