using DcSim.ActorsHost.Settings;
using DcSim.ActorsNetwork.Fabric;
using DcSim.SimCore.Scenario;

namespace DcSim.Runner.Service;

/// <summary>
/// An experiment's fabric as the service shows it (GET /experiments/{id}/topology): its switches with their tier, its servers with
/// the switch they hang off (their rack), and every link once with its rate and delay, read from the same graph the run is built
/// from. VMs and containers come and go during a run: they are in the servers' counters, not here.
/// </summary>
internal static class TopologyView
{
    public static Dictionary<string, object> Render(string experiment, ScenarioSettings scenario)
    {
        var topology = scenario.Datacenter().Topology;
        var graph = FabricGraph.Of(topology);
        var switches = Enumerable.Range(0, graph.SwitchCount).Select(sw => new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["name"] = graph.NameOf(graph.SwitchLp(sw)),
            ["tier"] = Tier(topology, sw, graph.NameOf(graph.SwitchLp(sw))),
        }).ToList();
        var servers = Enumerable.Range(0, graph.ServerCount).Select(s => new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["name"] = graph.NameOf(s),
            ["switch"] = graph.NameOf(graph.SwitchLp(graph.SwitchOf(s))),
        }).ToList();
        var links = new List<Dictionary<string, object>>();
        for (var s = 0; s < graph.ServerCount; s++)
            links.Add(Link(graph.NameOf(s), graph.NameOf(graph.SwitchLp(graph.SwitchOf(s))), graph.LinkOf(s), graph.PortsOf(graph.SwitchOf(s))[graph.PortOf(s)].Queue));
        for (var sw = 0; sw < graph.SwitchCount; sw++)
            foreach (var port in graph.PortsOf(sw))
                // Each switch-to-switch link once: from the switch with the lower LP id.
                if (!graph.IsServer(port.PeerLp) && port.PeerLp > graph.SwitchLp(sw))
                    links.Add(Link(graph.NameOf(graph.SwitchLp(sw)), graph.NameOf(port.PeerLp), port.Link, port.Queue));
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["experiment"] = experiment,
            ["kind"] = ScenarioTopologyReader.Kinds.WordOf((int)topology.Kind),
            ["description"] = topology.Describe(),
            ["switches"] = switches,
            ["servers"] = servers,
            ["links"] = links,
        };
    }

    private static Dictionary<string, object> Link(string a, string b, LinkSettings link, SimCore.Wire.QueueSettings queue) => new(StringComparer.Ordinal)
    {
        ["a"] = a,
        ["b"] = b,
        ["rate_bps"] = link.Rate.BitsPerSecond,
        ["delay_ps"] = link.DelayPs,
        ["queue"] = queue.Limit.ToString(),
    };

    /// <summary>Where a switch sits: the shapes name their tiers; an explicit graph's switches are all just switches.</summary>
    private static string Tier(TopologySettings topology, int sw, string name) => topology.Kind switch
    {
        TopologyKind.LeafSpine => sw < topology.Leaves ? "leaf" : "spine",
        TopologyKind.FatTree => name.StartsWith("edge", StringComparison.Ordinal) ? "edge" : name.StartsWith("agg", StringComparison.Ordinal) ? "aggregation" : "core",
        _ => "switch",
    };
}
