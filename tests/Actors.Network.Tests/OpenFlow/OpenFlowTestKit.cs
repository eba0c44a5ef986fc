using DcSim.ActorsNetwork.OpenFlow;

namespace DcSim.ActorsNetwork.Tests.OpenFlow;

/// <summary>Shared helpers: a bridge built from rule text, like `dcsim ovs-trace` builds it.</summary>
internal static class OpenFlowTestKit
{
    /// <summary>Ports 1-4 plus LOCAL as datapath port 100, the corpus's sandbox layout.</summary>
    public static Pipeline Bridge(string rules, OpenFlowVersion? version = null, uint[]? ports = null, MacLearningTable? macs = null)
    {
        var file = RuleFileParser.Parse(rules.Split('\n'), "rules.txt", version);
        var tables = new FlowTables();
        foreach (var r in file.Rules) tables.Add(r);
        return new Pipeline(tables, new BridgePorts(ports ?? [1, 2, 3, 4], 100), macs);
    }

    public static TraceResult Trace(this Pipeline p, string packet) => p.Translate(FlowParser.ParsePacket(packet));

    public static FlowMatch Match(string text) => FlowParser.ParseMatch(text, new List<(string, string)>());

    public static OpenFlowRule Rule(string text, OpenFlowVersion version = OpenFlowVersion.OpenFlow10) =>
        RuleFileParser.ParseRule(text, version, new List<(string, string)>());
}
