using System.Globalization;
using System.Text;

namespace DcSim.ActorsNetwork.OpenFlow;

/// <summary>
/// One OpenFlow rule (flow entry). Match, priority and actions are immutable; the counters and the
/// last-used time change as packets hit the rule.
/// </summary>
public sealed class OpenFlowRule
{
    public OpenFlowRule(byte table, int priority, in FlowMatch match, IReadOnlyList<OfAction> actions,
        ulong cookie = 0, ushort idleTimeout = 0, ushort hardTimeout = 0, string? source = null)
    {
        if (priority is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(priority), "priority must be 0-65535");
        Table = table; Priority = priority; Match = match; Actions = actions; Cookie = cookie;
        IdleTimeout = idleTimeout; HardTimeout = hardTimeout; Source = source;
    }

    /// <summary>Insertion sequence number given by <see cref="FlowTables"/>; orders rules deterministically.</summary>
    public long Id { get; internal set; }
    public byte Table { get; }
    public int Priority { get; }
    public FlowMatch Match { get; }
    public IReadOnlyList<OfAction> Actions { get; }
    public ulong Cookie { get; }
    /// <summary>Seconds without a hit after which the rule expires (0 = never).</summary>
    public ushort IdleTimeout { get; }
    /// <summary>Seconds after installation at which the rule expires (0 = never).</summary>
    public ushort HardTimeout { get; }
    /// <summary>Where the rule came from, e.g. <c>rules.txt:12</c>.</summary>
    public string? Source { get; }

    public long PacketCount { get; private set; }
    public long ByteCount { get; private set; }
    /// <summary>Virtual time (ps) the rule was installed.</summary>
    public long InstalledPs { get; internal set; }
    /// <summary>Virtual time (ps) of the last hit, or of installation if never hit.</summary>
    public long LastUsedPs { get; private set; }

    /// <summary>Counts one packet of <paramref name="bytes"/> bytes hitting the rule at <paramref name="nowPs"/>.</summary>
    public void Credit(long packets, long bytes, long nowPs)
    {
        PacketCount += packets;
        ByteCount += bytes;
        if (nowPs > LastUsedPs) LastUsedPs = nowPs;
    }

    internal void MarkInstalled(long nowPs)
    {
        InstalledPs = nowPs;
        LastUsedPs = nowPs;
    }

    /// <summary>True if the rule has expired at <paramref name="nowPs"/> by its idle or hard timeout.</summary>
    public bool IsExpired(long nowPs)
    {
        const long PsPerSecond = 1_000_000_000_000;
        if (HardTimeout != 0 && nowPs - InstalledPs >= HardTimeout * PsPerSecond) return true;
        return IdleTimeout != 0 && nowPs - LastUsedPs >= IdleTimeout * PsPerSecond;
    }

    /// <summary>The actions as <c>ovs-ofctl dump-flows</c> prints them ("drop" when there are none).</summary>
    public string ActionsText => Actions.Count == 0 ? "drop" : string.Join(",", Actions.Select(a => a.ToString()));

    /// <summary>The match as OVS prints it, without priority (what ofproto/trace shows before ", priority N").</summary>
    public string MatchText => Match.ToString();

    /// <summary>The rule in <c>ovs-ofctl dump-flows --no-stats</c> style.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Cookie != 0) sb.Append("cookie=").Append(MatchFormatter.HexC(Cookie)).Append(", ");
        if (Table != 0) sb.Append("table=").Append(Table.ToString(CultureInfo.InvariantCulture)).Append(", ");
        sb.Append("priority=").Append(Priority.ToString(CultureInfo.InvariantCulture));
        var m = MatchText;
        if (m.Length > 0) sb.Append(',').Append(m);
        sb.Append(" actions=").Append(ActionsText);
        return sb.ToString();
    }
}
