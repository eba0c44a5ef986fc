using DcSim.ActorsHost.Endpoints;
using DcSim.ActorsHost.Servers;
using DcSim.ActorsHost.Settings;
using DcSim.ActorsHost.Shell;
using DcSim.ActorsNetwork.Fabric;
using DcSim.ActorsNetwork.OpenFlow;
using DcSim.ActorsNetwork.Ovs;
using DcSim.SimCore.Kernel;
using DcSim.SimCore.Scenario;
using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost;

/// <summary>
/// Builds the LPs of a scenario's fabric (any topology.kind) that belong to one partition. Every partition builds from
/// the same scenario and layout, so LP ids, names, ports, links and addresses agree across processes.
/// </summary>
public sealed class FabricModel : IModelFactory
{
    public static readonly FabricModel Instance = new();

    public IScenarioModel? Read(ScenarioSection root, ScenarioReadContext context) => DatacenterReader.ReadDatacenter(root, context);

    public IPartitionLayout Layout(ScenarioSettings scenario, int partitions) => FabricLayoutOf(scenario, partitions);

    private readonly FabricLayouts _layouts = new(MakeLayout);

    /// <summary>
    /// One partition, or a round-robin layout (kernel.layout), made as asked; a balanced one made once per process from a pilot run
    /// (<see cref="LayoutPilot"/>, <see cref="FabricLayouts"/>).
    /// </summary>
    private FabricLayout FabricLayoutOf(ScenarioSettings scenario, int partitions) =>
        partitions <= 1 || scenario.Kernel.Layout == PartitionLayoutKind.RoundRobin
            ? new FabricLayout(scenario.Datacenter().Topology, partitions)
            : _layouts.For(scenario, partitions);

    /// <summary>
    /// The balanced layout, unless it splits a faster link than round robin does (an explicit topology's links differ): a shorter lookahead
    /// would cost more windows than the balance saves.
    /// </summary>
    private static FabricLayout MakeLayout(ScenarioSettings scenario, int partitions)
    {
        var one = new FabricLayout(scenario.Datacenter().Topology, 1);
        var balanced = new FabricLayout(one.Graph, partitions, LayoutPilot.EventsByLp(scenario, Build(scenario, one, 0), one.Graph));
        var roundRobin = new FabricLayout(one.Graph, partitions);
        return balanced.Lookahead() < roundRobin.Lookahead() ? roundRobin : balanced;
    }

    /// <summary>
    /// Checks the model's own inputs that the scenario loader cannot read (the vSwitch rules file); throws
    /// <see cref="RuleParseException"/> naming the file, line and token.
    /// </summary>
    public static void Validate(ScenarioSettings scenario)
    {
        ServerBuilder.VSwitchRules(scenario);
        // Their list is of (long, delegate) tuples, generic code ReadyToRun leaves to the JIT: not made for no change.
        if (scenario.Datacenter().Server.VSwitch.RuleChanges.Count > 0) ServerBuilder.RuleChangesOf(scenario);
    }

    /// <summary>Why no server took a directive: an unknown verb, arguments missing, or a SRC that names no endpoint (or one in flight).</summary>
    public string Unclaimed(ScenarioSettings scenario, Directive directive)
    {
        if (!ServerShell.Verbs.Contains(directive.Verb))
            return $"unknown directive '{directive.Verb}': the shell's are {string.Join(", ", ServerShell.Verbs)}";
        if (directive.Arguments is not [var source, _, ..])
            return $"{directive.Verb} needs {(directive.Verb == ShellMigrate.Verb ? "VM and SERVER" : "SRC and DST")}";
        var datacenter = scenario.Datacenter();
        var names = new ShellNames(new FabricLayout(datacenter.Topology, 1).Graph, datacenter.Plan);
        return names.Resolve(source) < 0
            ? $"no server, VM or container named '{source}'"
            : $"'{source}' is on no server now (a VM or container on its way between two)";
    }

    private volatile PartitionsAhead? _ahead;

    /// <summary>
    /// Starts building every partition of a one-process run of <paramref name="scenario"/> on <paramref name="partitions"/> partitions
    /// on a pool thread, for <see cref="BuildPartition"/> to hand over (<see cref="PartitionsAhead"/>). The same build, earlier: the
    /// results are the same bytes.
    /// </summary>
    public void BuildAhead(ScenarioSettings scenario, int partitions) =>
        _ahead = new PartitionsAhead(scenario, () => FabricLayoutOf(scenario, partitions), Build);

    /// <summary>Partition <paramref name="index"/> on the layout this process makes (<see cref="Layout"/>): a tool's one-partition build.</summary>
    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int index)
    {
        var layout = FabricLayoutOf(scenario, partitions);
        return _ahead?.Take(scenario, partitions, layout.PartitionOfLp, index) ?? Build(scenario, layout, index);
    }

    public Partition BuildPartition(ScenarioSettings scenario, int partitions, int[] partitionOfLp, int index) =>
        _ahead?.Take(scenario, partitions, partitionOfLp, index)
        ?? Build(scenario, FabricLayout.Given(FabricGraph.Of(scenario.Datacenter().Topology), partitions, partitionOfLp), index);

    private static Partition Build(ScenarioSettings scenario, FabricLayout layout, int index)
    {
        var datacenter = scenario.Datacenter();
        var partition = new Partition(index, layout.Partitions, layout.PartitionOfLp);
        var directory = new EndpointDirectory(datacenter.Plan);
        var endpointPlaces = layout.Graph.Routes.PlacesOf(datacenter.Plan.Locations());
        // Made once, shared by the partition's builders: a server's name is its LP's and its leaf port's peer's; ports of a kind of link share a profile.
        var names = new string[layout.LpCount];
        for (var lp = 0; lp < names.Length; lp++) names[lp] = layout.NameOf(lp);
        var profiles = new PortProfiles();
        var servers = new ServerBuilder(scenario, layout, directory, names, profiles);
        for (var lp = 0; lp < layout.LpCount; lp++)
        {
            if (layout.PartitionOfLp[lp] != index) continue;
            partition.Add(layout.IsHost(lp) ? servers.Build(lp) : FabricBuilder.Switch(layout, endpointPlaces, names, profiles, lp, scenario.Seed));
        }
        return partition;
    }
}
