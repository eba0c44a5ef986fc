using System.Globalization;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Scenario;

/// <summary>Reads and checks the fabric: its shape, its links and its output queues.</summary>
internal static class ScenarioTopologyReader
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

    /// <summary>
    /// The largest UDP payload a generator can put in one packet, as the traffic generators send them:
    /// exponential sizes are capped at the UDP maximum, a request is one packet, and responses are cut
    /// into packets of at most packet-size.
    /// </summary>
    private static int LargestPayload(GeneratorSettings g)
    {
        if (g.Kind == GeneratorKind.RequestResponse)
        {
            var rr = g.RequestResponse;
            var response = rr.ResponseSizes is null ? Math.Min(g.PacketBytes, rr.ResponseBytes) : g.PacketBytes;
            return (int)Math.Max(rr.RequestBytes, response);
        }
        return g.SizeDistribution == SizeDistribution.Exponential ? ScenarioGeneratorReader.MaxUdpPayload : g.PacketBytes;
    }

    /// <summary>The largest frame any of the generators can send (at least the 64 B minimum frame).</summary>
    public static int LargestFrame(IEnumerable<GeneratorSettings> generators) =>
        Ethernet.FrameBytes(generators.Select(LargestPayload).DefaultIfEmpty(0).Max());
}
