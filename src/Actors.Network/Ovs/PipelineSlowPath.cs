using DcSim.ActorsNetwork.FlowCache;
using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.Ovs;

/// <summary>
/// The OpenFlow pipeline as a datapath's slow path: an upcall translates the packet through the tables and
/// returns the typed datapath actions and the megaflow mask the lookups consulted.
/// </summary>
public sealed class PipelineSlowPath : ISlowPath<DatapathActions>
{
    private const ulong VlanPresent = 0x1000;
    private readonly Pipeline _pipeline;
    private readonly bool _learn;

    /// <param name="learn">Learn source MACs of packets that reach `normal`, as a real upcall does (ofproto/trace does not).</param>
    /// <param name="localDpPort">Datapath number of the bridge's LOCAL port, when it has one (real OVS: 100 for br0).</param>
    public PipelineSlowPath(RuleFile rules, IEnumerable<uint> ports, bool learn = false, uint? localDpPort = null)
        : this(new Pipeline(Tables(rules), new BridgePorts(ports, localDpPort), learn ? new MacLearningTable() : null), learn)
    {
    }

    /// <summary>Uses an existing pipeline (its tables, ports and MAC table).</summary>
    public PipelineSlowPath(Pipeline pipeline, bool learn)
    {
        _pipeline = pipeline;
        _learn = learn;
    }

    private static FlowTables Tables(RuleFile rules)
    {
        var tables = new FlowTables();
        foreach (var rule in rules.Rules) tables.Add(rule);
        return tables;
    }

    public long StateVersion => _pipeline.MacTable?.Version ?? 0;

    public Pipeline Pipeline => _pipeline;

    /// <summary>The OpenFlow rules the last translation went through (whose counters a datapath flow feeds).</summary>
    public IReadOnlyList<OpenFlowRule> LastRules { get; private set; } = [];

    public (DatapathActions Actions, FlowKey Mask) Retranslate(in FlowKey key, long now) => Datapath(_pipeline.Translate(in key));

    public (DatapathActions Actions, FlowKey Mask) Translate(in FlowKey key, long now)
    {
        var result = _pipeline.Translate(in key, _learn ? new TranslateOptions(Learn: true, NowPs: now) : null);
        LastRules = result.Tables.Where(v => v.Rule is not null).Select(v => v.Rule!).Distinct().ToArray();
        return Datapath(result);
    }

    /// <summary>
    /// The translation as the datapath installs it. A datapath key always tells a tagged frame from an
    /// untagged one (eth_type 0x8100 and an encapsulated type), even where the OpenFlow-level megaflow
    /// does not mention the VLAN.
    /// </summary>
    private static (DatapathActions Actions, FlowKey Mask) Datapath(TraceResult result)
    {
        var mask = result.Megaflow.Mask;
        mask.Or(FlowField.VlanTci, VlanPresent);
        return (new DatapathActions(result.Actions), mask);
    }

    /// <summary>
    /// The rules of a server vSwitch without a rules file: host traffic (port 2) to the uplink (port 1) and
    /// back, at priority 1 so that any rule added later takes precedence.
    /// </summary>
    /// <summary>One rule, actions=NORMAL: a learning switch, what a bridge with VMs on its ports needs.</summary>
    public static RuleFile NormalSwitching() => RuleFileParser.Parse(["priority=0,actions=NORMAL"], "<built-in normal switching>");

    public static RuleFile HostForwarding() =>
        RuleFileParser.Parse(["priority=1,in_port=2,actions=output:1", "priority=1,in_port=1,actions=output:2"], "<built-in host forwarding>");
}
