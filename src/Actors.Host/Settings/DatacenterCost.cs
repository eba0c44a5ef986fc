using DcSim.ActorsHost.Traffic;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Settings;

/// <summary>
/// What a run of a datacenter scenario will roughly cost (<see cref="ScenarioCostEstimate"/>): memory (bytes)
/// and simulated events, each with the scenario key that drives it. A valid scenario can still be one that cannot fit in memory (65,536 hosts per leaf)
/// or would run for days (a 1000 Tbps generator, on/off periods of 1 ps); this is checked before anything
/// runs, so such a run is refused with the figure instead of dying hours later.
/// </summary>
/// <remarks>
/// The model is linear and deliberately simple; docs/scenarios.md gives the figures it was fitted to:
/// <list type="bullet">
/// <item>memory = base + hosts × (host + vSwitch) + fabric links × link + switches × edge switches × route + flows × flow record;</item>
/// <item>events = Σ over generators and their hosts of packets × events per packet + on/off switches + flows,
/// where packets = rate / (8 × packet size) × (stop − start) × on fraction (requests and their response packets
/// for request/response generators; for udp-rr, 2 × transactions-in-flight × (stop − start) / the shortest round trip).</item>
/// </list>
/// Packet queues are bounded by their limits and are not counted; nor are vSwitch flow caches beyond their
/// empty size (up to flow-limit entries each).
/// </remarks>
internal static class DatacenterCost
{
    /// <summary>A bare-metal host with its NIC, link and leaf port (measured: 10-12 KB from 1,024 to 32,768 hosts).</summary>
    public const double BytesPerHost = 12e3;

    /// <summary>An Open vSwitch with empty caches, on top of its host (measured: ~15 KB).</summary>
    public const double BytesPerVSwitch = 16e3;

    /// <summary>A link between switches: two ports and their queues, empty (assumed: like a host's link).</summary>
    public const double BytesPerFabricLink = 2e3;

    /// <summary>
    /// One entry of the routing tables (<see cref="FabricRoutes"/>): a reference to a next-hop set per switch and destination
    /// edge switch, once per process. Quadratic in the leaves of a leaf-spine: 8 GB at 32,768 leaves.
    /// </summary>
    public const double BytesPerRoute = 8;

    /// <summary>A flow's counters, kept to the end for flows.csv (assumed).</summary>
    public const double BytesPerFlow = 200;

    /// <summary>
    /// Events per packet: its generation, then a transmission and an arrival on each of up to 4 links
    /// (measured: 8.0 on leaf-spine-small, 8.5 on leaf-spine-medium).
    /// </summary>
    public const double EventsPerPacket = 9;

    public static ScenarioCostEstimate Of(DatacenterSettings s)
    {
        var t = s.Topology;
        var hosts = (double)t.HostCount;
        var (hostsKey, fabricLinks, linksKey) = t.Kind switch
        {
            TopologyKind.FatTree => ("k", t.K * t.K * (double)t.K / 2, "k"),
            TopologyKind.Explicit => ("servers", t.Explicit!.Links.Count - (double)t.Explicit.Servers, "links"),
            _ => (t.HostsPerLeaf >= t.Leaves ? "hosts-per-leaf" : "leaves", (double)t.Leaves * t.Spines, t.Spines >= t.Leaves ? "spines" : "leaves"),
        };
        var (routedSwitches, edgeSwitches, routesKey) = RoutingTable(t);
        var memory = new Tally();
        memory.Add(hosts * (BytesPerHost + (s.Server.VSwitch.Enabled ? BytesPerVSwitch : 0)), $"topology.{hostsKey}");
        memory.Add(fabricLinks * BytesPerFabricLink, $"topology.{linksKey}");
        memory.Add(routedSwitches * edgeSwitches * BytesPerRoute, $"topology.{routesKey}");
        var events = new Tally();
        events.Add(0, ScenarioReference.GeneratorsPath);
        foreach (var g in s.Generators)
        {
            var (packets, switches, flows) = PerHost(g, t);
            var path = $"{ScenarioReference.GeneratorsPath}[{g.Index}]";
            var n = g.Hosts.Count;
            memory.Add(n * flows * BytesPerFlow, $"{path}.{(g.FlowSizes is null ? "hosts" : "flow-size-cdf")}");
            var key = g.Kind == GeneratorKind.UdpRr ? "udp-rr.transactions-in-flight" : switches > packets * EventsPerPacket ? "on-off.on" : "rate";
            events.Add(n * (packets * EventsPerPacket + switches + flows), $"{path}.{key}");
        }
        return new ScenarioCostEstimate(ScenarioCostEstimate.BaseBytes + memory.Total, memory.LargestKey, events.Total, events.LargestKey);
    }

    /// <summary>
    /// Figures in order: their sum, and the key of the largest (the first of equals). Not a list of tuples with LINQ's MaxBy and Sum,
    /// generic code over value types that was JIT-compiled (~25 methods) on the way to a run's first window.
    /// </summary>
    private sealed class Tally
    {
        private double _largest;
        private bool _empty = true;

        public double Total { get; private set; }

        public string LargestKey { get; private set; } = "";

        public void Add(double figure, string key)
        {
            if (_empty || figure.CompareTo(_largest) > 0) (_largest, LargestKey, _empty) = (figure, key, false);
            Total += figure;
        }
    }

    /// <summary>The switches and the edge switches (those with servers) whose product sizes the routing tables, and the key that drives it.</summary>
    private static (double Switches, double EdgeSwitches, string Key) RoutingTable(TopologySettings t)
    {
        switch (t.Kind)
        {
            case TopologyKind.FatTree:
                return (5.0 * t.K * t.K / 4, t.K * (double)t.K / 2, "k");
            case TopologyKind.Explicit:
                var e = t.Explicit!;
                var edges = e.Links.Where(l => ExplicitNames.JoinsServer(l.A, l.B, e.Servers))
                    .Select(l => ExplicitNames.TryServer(l.A, e.Servers, out _) ? l.B : l.A).Distinct(StringComparer.Ordinal).Count();
                return (e.Switches.Count, edges, "links");
            default:
                return ((double)t.Leaves + t.Spines, t.Leaves, "leaves");
        }
    }

    /// <summary>Packets one host of a generator sends, on/off switches it makes, and flows it starts.</summary>
    private static (double Packets, double Switches, double Flows) PerHost(GeneratorSettings g, TopologySettings t)
    {
        var active = SimTime.ToSeconds(Math.Max(0, g.StopPs - g.StartPs));
        var bitsPerSecond = (double)g.Rate.BitsPerSecond;
        switch (g.Kind)
        {
            case GeneratorKind.UdpRr:
                // A closed loop sends no faster than its shortest round trip allows: request and response each cross
                // at least two host links (the hosts of one leaf), as minimum frames.
                var hop = t.Kind == TopologyKind.Explicit
                    ? t.Explicit!.Links.Where(l => ExplicitNames.JoinsServer(l.A, l.B, t.Explicit.Servers))
                        .Min(l => l.Link.MinimumLatency)
                    : t.HostLink.MinimumLatency;
                var transactions = g.UdpRr.TransactionsInFlight * active / SimTime.ToSeconds(Math.Max(1, 4 * hop));
                return (2 * transactions, 0, 2);
            case GeneratorKind.RequestResponse:
                var rr = g.RequestResponse;
                var requests = bitsPerSecond / (8.0 * rr.RequestBytes) * active;
                var responseBytes = rr.ResponseSizes?.Mean ?? rr.ResponseBytes;
                return (requests * (1 + Math.Ceiling(Math.Max(1, responseBytes) / g.PacketBytes)), 0, requests);
            case GeneratorKind.OnOff:
                var period = SimTime.ToSeconds(g.OnOff.OnPs + g.OnOff.OffPs);
                var onFraction = (double)g.OnOff.OnPs / (g.OnOff.OnPs + g.OnOff.OffPs);
                var onOffPackets = bitsPerSecond / (8.0 * g.PacketBytes) * active * onFraction;
                return (onOffPackets, 2 * active / period, Flows(g, onOffPackets));
            default:
                var packets = bitsPerSecond / (8.0 * g.PacketBytes) * active;
                return (packets, 0, Flows(g, packets));
        }
    }

    private static double Flows(GeneratorSettings g, double packets) =>
        g.FlowSizes is { } cdf ? packets * g.PacketBytes / Math.Max(1, cdf.Mean) : 1;
}
