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

    /// <summary>topology.kind as the scenario writes it.</summary>
    public static readonly ScenarioWordList Kinds =
        new(("leaf-spine", (int)TopologyKind.LeafSpine), ("fat-tree", (int)TopologyKind.FatTree), ("explicit", (int)TopologyKind.Explicit));

    /// <summary>The keys of topology that only one kind (or two) reads; setting one for another kind is an error.</summary>
    private static readonly (string Key, TopologyKind[] Kinds)[] KindKeys =
    [
        ("spines", [TopologyKind.LeafSpine]), ("leaves", [TopologyKind.LeafSpine]), ("hosts-per-leaf", [TopologyKind.LeafSpine]),
        ("k", [TopologyKind.FatTree]),
        ("switches", [TopologyKind.Explicit]), ("servers", [TopologyKind.Explicit]), ("links", [TopologyKind.Explicit]),
        ("host-link", [TopologyKind.LeafSpine, TopologyKind.FatTree]), ("fabric-link", [TopologyKind.LeafSpine, TopologyKind.FatTree]),
    ];

    /// <summary>
    /// The fabric's shape by topology.kind: leaf-spine (spines, leaves, hosts-per-leaf: each at least 1, at least 2 hosts in
    /// all), fat-tree (k even, at least 2) or explicit (<see cref="ExplicitTopologyReader"/>); a key of another kind set in the
    /// file is an error.
    /// </summary>
    public static TopologyShape? ReadShape(ScenarioSection topology, ScenarioReadContext context)
    {
        if (!topology.TryWord("kind", Kinds, out var kindValue)) return null;
        var kind = (TopologyKind)kindValue;
        var ok = true;
        foreach (var (key, kinds) in KindKeys)
            ok &= Holds(kinds, kind) || !topology.Get(key).FromFile || topology.Check(false, key, true,
                $"is not a key of kind = {Kinds.WordOf((int)kind)} (it belongs to {string.Join(" and ", kinds.Select(k => $"kind = {Kinds.WordOf((int)k)}"))})");
        if (!ok) return null;
        return kind switch
        {
            TopologyKind.FatTree => ReadFatTree(topology),
            TopologyKind.Explicit => ExplicitTopologyReader.Read(topology, context) is { } draft ? new TopologyShape(kind, 0, 0, 0, 0, draft) : null,
            _ => ReadLeafSpine(topology),
        };
    }

    /// <summary>A loop: Contains over an enumeration's array is a generic instantiation JIT-compiled on the way to a run's start.</summary>
    private static bool Holds(TopologyKind[] kinds, TopologyKind kind)
    {
        foreach (var k in kinds)
        {
            if (k == kind) return true;
        }
        return false;
    }

    private static TopologyShape? ReadLeafSpine(ScenarioSection topology)
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
        return ok ? new TopologyShape(TopologyKind.LeafSpine, spines, leaves, hostsPerLeaf, 0, null) : null;
    }

    private static TopologyShape? ReadFatTree(ScenarioSection topology)
    {
        if (!topology.TryInt("k", 2, int.MaxValue, out var k)) return null;
        var fromFile = topology.Get("k").FromFile;
        var hosts = (Int128)k * k * k / 4;   // k up to int.MaxValue: its cube overflows a long
        return topology.Check(k % 2 == 0, "k", fromFile, $"must be even (k/2 edge and k/2 aggregation switches per pod), got {k}")
               && topology.Check(hosts <= MaxHosts, "k", fromFile,
                   $"k = {k} makes k^3/4 = {hosts} hosts; at most {MaxHosts} are supported (a flow id holds the source host in 23 bits, see FlowIds)")
            ? new TopologyShape(TopologyKind.FatTree, 0, 0, 0, k, null)
            : null;
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

    /// <summary>ECN modes as the scenario writes them.</summary>
    public static readonly ScenarioWordList EcnModes =
        new(("off", (int)EcnMode.Off), ("threshold", (int)EcnMode.Threshold), ("red", (int)EcnMode.Red));

    /// <summary>
    /// An output queue: its tail-drop limit (at least 1 packet, or at least <paramref name="largestFrame"/> and 64 bytes)
    /// and its ECN marking (<see cref="ReadEcn"/>).
    /// </summary>
    public static QueueSettings? ReadQueue(ScenarioSection queue, int largestFrame)
    {
        if (!queue.TryWord("unit", ScenarioWords.QueueUnits, out var unitValue)) return null;
        var unit = (QueueLimitUnit)unitValue;
        if (!TryAmount(queue, "limit", unit, 1, out var limit, out var fromFile)) return null;
        var minimum = Math.Max(Ethernet.MinFrameBytes, largestFrame);
        if (unit == QueueLimitUnit.Bytes && !queue.Check(limit >= minimum, "limit", fromFile,
                $"a byte limit of {limit} B cannot hold the largest frame a generator sends ({minimum} B); it must be at least {minimum}"))
            return null;
        var queueLimit = new QueueLimit(unit, limit);
        if (!queue.TryText("trace", out var traceText)) return null;
        var trace = 0L;
        if (traceText.Length > 0 && !queue.TryTime("trace", 1, out trace)) return null;
        return ReadEcn(queue.Child("ecn"), queueLimit) is { } ecn ? new QueueSettings(queueLimit, ecn, trace) : null;
    }

    /// <summary>
    /// A queue's ecn: mode off, threshold or red; threshold K &gt;= 0 and red's min &lt; max in the queue's unit,
    /// max-probability and weight in (0, 1]. Every key is checked whatever the mode; the mode in use must also be able
    /// to mark below the queue's limit, or no packet would ever be marked.
    /// </summary>
    public static EcnMarking? ReadEcn(ScenarioSection ecn, QueueLimit limit)
    {
        var ok = ecn.TryWord("mode", EcnModes, out var modeValue);
        var mode = (EcnMode)modeValue;
        ok &= TryAmount(ecn, "threshold", limit.Unit, 0, out var threshold, out var thresholdFromFile)
              && ecn.Check(threshold >= 0, "threshold", thresholdFromFile, $"must not be negative, got {threshold}");
        var red = ReadRed(ecn.Child("red"), limit.Unit);
        if (!ok || red is null) return null;
        var unit = limit.Unit == QueueLimitUnit.Packets ? "packets" : "B";
        ok = mode != EcnMode.Threshold || ecn.Check(threshold < limit.Limit, "threshold", thresholdFromFile,
            $"{threshold} {unit} is at or above the queue's limit ({limit.Limit} {unit}): no packet would ever be marked; it must be below {limit.Limit}");
        ok &= mode != EcnMode.Red || ecn.Child("red").Check(red.Min < limit.Limit, "min", ecn.Child("red").Get("min").FromFile,
            $"{red.Min} {unit} is at or above the queue's limit ({limit.Limit} {unit}): no packet would ever be marked; it must be below {limit.Limit}");
        return ok ? new EcnMarking(mode, threshold, red) : null;
    }

    private static RedParameters? ReadRed(ScenarioSection red, QueueLimitUnit unit)
    {
        var ok = TryAmount(red, "min", unit, 0, out var min, out var minFromFile)
                 && red.Check(min >= 0, "min", minFromFile, $"must not be negative, got {min}");
        ok &= TryAmount(red, "max", unit, 1, out var max, out var maxFromFile);
        ok = ok && red.Check(max > min, "max", maxFromFile, $"must be greater than min ({min}), got {max}");
        ok &= red.TryFraction("max-probability", out var maxProbability);
        ok &= red.TryFraction("weight", out var weight);
        return ok ? new RedParameters(min, max, maxProbability, weight) : null;
    }

    /// <summary>
    /// An amount in a queue's unit: a whole number of packets (at least <paramref name="minPackets"/>; a size is refused
    /// with a hint), or bytes as a plain number or a size (1MB), range left to the caller.
    /// </summary>
    private static bool TryAmount(ScenarioSection s, string key, QueueLimitUnit unit, int minPackets, out long value, out bool fromFile)
    {
        value = 0;
        if (!s.TryText(key, out var text, out fromFile)) return false;
        if (unit == QueueLimitUnit.Packets)
        {
            if (QuantityParser.TryParseSize(text, out _, out _))
            {
                s.Report(key, fromFile, $"'{text}' is a size, but unit = packets counts packets; write a number, or set unit = bytes");
                return false;
            }
            if (!s.TryInt(key, minPackets, int.MaxValue, out var packets)) return false;
            value = packets;
            return true;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
               || s.TrySize(key, long.MinValue, long.MaxValue, out value);
    }

    /// <summary>
    /// The fabric's keys of topology as the resolved scenario writes them (the inverse of the reads above): a leaf-spine
    /// fabric writes the keys it always wrote, the other kinds their kind and their own keys.
    /// </summary>
    public static void WriteResolved(TopologySettings t, ResolvedHocon topology)
    {
        switch (t.Kind)
        {
            case TopologyKind.LeafSpine:
                topology["spines"] = ScenarioHoconWriter.Int(t.Spines);
                topology["leaves"] = ScenarioHoconWriter.Int(t.Leaves);
                topology["hosts-per-leaf"] = ScenarioHoconWriter.Int(t.HostsPerLeaf);
                break;
            case TopologyKind.FatTree:
                topology["kind"] = Kinds.WordOf((int)t.Kind);
                topology["k"] = ScenarioHoconWriter.Int(t.K);
                break;
            default:
                var e = t.Explicit!;
                topology["kind"] = Kinds.WordOf((int)t.Kind);
                topology["switches"] = $"[{string.Join(", ", e.Switches)}]";
                topology["servers"] = ScenarioHoconWriter.Int(e.Servers);
                topology["links"] = e.Links.Select(l =>
                {
                    var link = Link(l.Link);
                    link["a"] = l.A;
                    link["b"] = l.B;
                    if (l.Queue is { } q) link["queue"] = Queue(q);
                    return link;
                }).ToList();
                break;
        }
        if (t.Kind != TopologyKind.Explicit)
        {
            topology["host-link"] = Link(t.HostLink);
            topology["fabric-link"] = Link(t.FabricLink);
        }
        topology["host-queue"] = Queue(t.HostQueue);
        topology["switch-queue"] = Queue(t.SwitchQueue);
    }

    private static ResolvedHocon Link(LinkSettings link) =>
        new() { ["rate"] = link.Rate.ToString(), ["delay"] = ScenarioHoconWriter.Time(link.DelayPs) };

    private static ResolvedHocon Queue(QueueSettings queue)
    {
        var unit = queue.Limit.Unit;
        var ecn = new ResolvedHocon
        {
            ["mode"] = EcnModes.WordOf((int)queue.Ecn.Mode),
            ["threshold"] = Amount(queue.Ecn.Threshold, unit),
        };
        // A scenario read from a file always has RED's parameters; one built in code with marking off may not.
        if (queue.Ecn.Red is { } red)
        {
            ecn["red"] = new ResolvedHocon
            {
                ["min"] = Amount(red.Min, unit),
                ["max"] = Amount(red.Max, unit),
                ["max-probability"] = ScenarioHoconWriter.Number(red.MaxProbability),
                ["weight"] = ScenarioHoconWriter.Number(red.Weight),
            };
        }
        return new ResolvedHocon
        {
            ["limit"] = Amount(queue.Limit.Limit, unit),
            ["unit"] = ScenarioWords.QueueUnits.WordOf((int)unit),
            ["trace"] = queue.TracePs == 0 ? "\"\"" : ScenarioHoconWriter.Time(queue.TracePs),
            ["ecn"] = ecn,
        };
    }

    private static string Amount(long value, QueueLimitUnit unit) =>
        unit == QueueLimitUnit.Packets ? ScenarioHoconWriter.Int(value) : ScenarioHoconWriter.Size(value);
}
