using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// The OpenFlow pipeline as a datapath's slow path: an upcall translates the packet through the tables and
/// returns the datapath actions (OVS's syntax) and the megaflow mask the lookups consulted.
/// </summary>
public sealed class PipelineSlowPath : ISlowPath<string>
{
    private readonly Pipeline _pipeline;

    public PipelineSlowPath(RuleFile rules, IEnumerable<uint> ports)
    {
        var tables = new FlowTables();
        foreach (var rule in rules.Rules) tables.Add(rule);
        _pipeline = new Pipeline(tables, new BridgePorts(ports));
    }

    public Pipeline Pipeline => _pipeline;

    public (string Actions, FlowKey Mask) Translate(in FlowKey key)
    {
        var result = _pipeline.Translate(in key);
        return (result.DatapathActionsText, result.Megaflow.Mask);
    }

    /// <summary>The rules of a server vSwitch without a rules file: host traffic (port 2) to the uplink (port 1) and back.</summary>
    public static RuleFile HostForwarding() =>
        RuleFileParser.Parse(["in_port=2,actions=output:1", "in_port=1,actions=output:2"], "<built-in host forwarding>");
}
