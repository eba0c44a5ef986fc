using System.Globalization;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsNetwork.Fabric;

/// <summary>Reads and checks the fabric (scenario key topology): its shape, its links and its output queues.</summary>
public static class ScenarioTopologyReader
{
    /// <summary>Hosts a fabric may have: <see cref="FlowIds"/> keeps the source host in the top 23 bits of a flow id.</summary>
    public const int MaxHosts = 1 << 23;

    /// <summary>spines, leaves, hosts-per-leaf: each at least 1, and at least 2 hosts in all.</summary>
    public static (int Spines, int Leaves, int HostsPerLeaf)? ReadShape(ScenarioSection topology)
    {
        var ok = topology.TryInt("spines", 1, int.MaxValue, out var spines);
        ok &= topology.TryInt("leaves", 1, int.MaxValue, out var leaves);
        ok &= topology.TryInt("hosts-per-leaf", 1, int.MaxValue, out var hostsPerLeaf);
        if (!ok) return null;
        var hosts = (long)leaves * hostsPerLeaf;
        ok = topology.Check(hosts >= 2, "hosts-per-leaf", topology.Get("hosts-per-leaf").FromFile || topology.Get("leaves").FromFile,
            $"the fabric has leaves * hosts-per-leaf = {hosts} host; traffic needs at least 2");
        ok &= topology.Check(hosts <= MaxHosts, "hosts-per-leaf", true,
            $"leaves * hosts-per-leaf = {hosts} hosts; at most {MaxHosts} are supported (a flow id holds the source host in 23 bits, see FlowIds)");
        return ok ? (spines, leaves, hostsPerLeaf) : null;
    }

    /// <summary>A link: rate &gt; 0, delay &gt;= 0.</summary>
    public static LinkSettings? ReadLink(ScenarioSection link)
    {
        var ok = link.TryRate("rate", out var rate);
        ok &= link.TryTime("delay", 0, out var delay);
        if (!ok) return null;
        // The smallest latency of a link is the lookahead of the window protocol (DESIGN.md §2); it must be positive.
        var latency = delay + rate.TransmitTime(Ethernet.MinWireBytes);
        return link.Check(latency > 0, "delay", link.Get("delay").FromFile, "delay plus the serialization of a minimum frame must be greater than 0")
            ? new LinkSettings(rate, delay)
            : null;
    }

    /// <summary>A tail-drop queue: at least 1 packet, or at least <paramref name="largestFrame"/> (and 64) bytes.</summary>
    public static QueueLimit? ReadQueue(ScenarioSection queue, int largestFrame)
    {
        if (!queue.TryWord("unit", ScenarioWords.QueueUnits, out var unit)) return null;
        if (!queue.TryText("limit", out var text, out var fromFile)) return null;
        long limit;
        if (unit == QueueLimitUnit.Packets)
        {
            if (QuantityParser.TryParseSize(text, out _, out _))
            {
                queue.Report("limit", fromFile, $"'{text}' is a size, but unit = packets counts packets; write a number, or set unit = bytes");
                return null;
            }
            if (!queue.TryInt("limit", 1, int.MaxValue, out var packets)) return null;
            limit = packets;
        }
        else
        {
            // With unit = bytes a plain number counts bytes; a size with a unit (1MB) is accepted too.
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit)
                && !queue.TrySize("limit", long.MinValue, long.MaxValue, out limit))
                return null;
            var minimum = Math.Max(Ethernet.MinFrameBytes, largestFrame);
            if (!queue.Check(limit >= minimum, "limit", fromFile,
                    $"a byte limit of {limit} B cannot hold the largest frame a generator sends ({minimum} B); it must be at least {minimum}"))
                return null;
        }
        return new QueueLimit(unit, limit);
    }

    /// <summary>The fabric's keys of topology as the resolved scenario writes them (the inverse of the reads above).</summary>
    public static void WriteResolved(TopologySettings t, ResolvedHocon topology)
    {
        topology["spines"] = ScenarioHoconWriter.Int(t.Spines);
        topology["leaves"] = ScenarioHoconWriter.Int(t.Leaves);
        topology["hosts-per-leaf"] = ScenarioHoconWriter.Int(t.HostsPerLeaf);
        topology["host-link"] = Link(t.HostLink);
        topology["fabric-link"] = Link(t.FabricLink);
        topology["host-queue"] = Queue(t.HostQueue);
        topology["switch-queue"] = Queue(t.SwitchQueue);
    }

    private static ResolvedHocon Link(LinkSettings link) =>
        new() { ["rate"] = link.Rate.ToString(), ["delay"] = ScenarioHoconWriter.Time(link.DelayPs) };

    private static ResolvedHocon Queue(QueueLimit limit) => new()
    {
        ["limit"] = limit.Unit == QueueLimitUnit.Packets ? limit.Limit.ToString(CultureInfo.InvariantCulture) : ScenarioHoconWriter.Size(limit.Limit),
        ["unit"] = ScenarioWords.WordOf(ScenarioWords.QueueUnits, limit.Unit),
    };
}
