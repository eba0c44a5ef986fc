using DcSim.SimCore.Units;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Scenario;

/// <summary>A validated scenario: everything a run needs, in typed units. Built only by <see cref="ScenarioLoader"/>.</summary>
public sealed record ScenarioSettings(
    string Name,
    ulong Seed,
    long DurationPs,
    TopologySettings Topology,
    IReadOnlyList<GeneratorSettings> Generators,
    KernelSettings Kernel,
    /// <summary>The scenario as resolved against the defaults, rendered as HOCON: echoed into results and sent to cluster nodes.</summary>
    string ResolvedHocon)
{
    /// <summary>Where relative paths of the scenario (CDF and rules files) resolve; not part of the resolved text.</summary>
    public string BaseDirectory { get; init; } = ".";

    /// <summary>A path from the scenario, resolved against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, Path.GetFullPath(BaseDirectory));
}

/// <summary>A two-tier leaf-spine (Clos) fabric with bare-metal hosts.</summary>
public sealed record TopologySettings(
    int Spines,
    int Leaves,
    int HostsPerLeaf,
    LinkSettings HostLink,
    LinkSettings FabricLink,
    QueueLimit HostQueue,
    QueueLimit SwitchQueue,
    HostSettings? Host = null)
{
    public int HostCount => Leaves * HostsPerLeaf;

    /// <summary>The servers' CPU and vSwitch; <see cref="HostSettings.Default"/> when not given.</summary>
    public HostSettings Server => Host ?? HostSettings.Default;
}

/// <summary>Every server's cores and, when enabled, its Open vSwitch (between the host's traffic and its NIC).</summary>
public sealed record HostSettings(int Cores, long ClockHz, VSwitchOptions VSwitch)
{
    /// <summary>8 cores at 2.5 GHz (assumption), no vSwitch: the defaults of reference.conf.</summary>
    public static HostSettings Default { get; } = new(8, 2_500_000_000, VSwitchOptions.Disabled);
}

public enum VSwitchDatapath { Kernel, Netdev }

/// <summary>
/// An Open vSwitch in every server. Port 1 is the uplink (the NIC), port 2 the host's own traffic.
/// <see cref="RulesFile"/> is an `ovs-ofctl add-flows` file (path as written, relative to the scenario's
/// directory); empty means two rules forwarding between ports 1 and 2.
/// </summary>
public sealed record VSwitchOptions(
    bool Enabled,
    VSwitchDatapath Datapath,
    string RulesFile,
    int DatapathCores,
    int HandlerCores,
    int FlowLimit,
    int EmcInsertInverseProbability,
    int UpcallQueue,
    long MaxIdlePs,
    long RevalidatePeriodPs)
{
    /// <summary>Defaults of reference.conf (OVS values from calibration.md §2; queue length and core split: assumptions).</summary>
    public static VSwitchOptions Disabled { get; } = new(false, VSwitchDatapath.Kernel, "", 2, 2, 200_000, 100, 4_096,
        10 * Units.SimTime.Second, 500 * Units.SimTime.Millisecond);

    /// <summary>Rule changes every server's vSwitch applies at given virtual times, in list order (empty by default).</summary>
    public IReadOnlyList<RuleChange> RuleChanges { get; init; } = [];

    /// <summary>Value equality, the rule changes compared element by element (a record compares lists by reference).</summary>
    public bool Equals(VSwitchOptions? other) =>
        other is not null && Enabled == other.Enabled && Datapath == other.Datapath && RulesFile == other.RulesFile
        && DatapathCores == other.DatapathCores && HandlerCores == other.HandlerCores && FlowLimit == other.FlowLimit
        && EmcInsertInverseProbability == other.EmcInsertInverseProbability && UpcallQueue == other.UpcallQueue
        && MaxIdlePs == other.MaxIdlePs && RevalidatePeriodPs == other.RevalidatePeriodPs && RuleChanges.SequenceEqual(other.RuleChanges);

    public override int GetHashCode() => HashCode.Combine(Enabled, Datapath, RulesFile, FlowLimit, RuleChanges.Count);
}

public enum RuleChangeKind { Add, Delete, DeleteStrict }

/// <summary>
/// One change to the vSwitch rules at virtual time <see cref="AtPs"/>, as `ovs-ofctl add-flow`,
/// `del-flows` or `del-flows --strict` would make it; <see cref="Rule"/> is in `ovs-ofctl` syntax
/// (a whole rule with actions for Add; a match, with priority for DeleteStrict, for the deletes).
/// </summary>
public sealed record RuleChange(long AtPs, RuleChangeKind Kind, string Rule);

public sealed record LinkSettings(DataRate Rate, long DelayPs);

public enum GeneratorKind { Cbr, Poisson, OnOff, RequestResponse }

public enum DestinationPattern { Random, Permutation, Incast, Fixed }

public enum SizeDistribution { Fixed, Exponential }

public enum PeriodDistribution { Fixed, Exponential }

/// <summary>
/// One traffic generator, instantiated on every host in <see cref="Hosts"/>. Rates count UDP payload
/// bits (as ns-3's OnOffApplication does). When <see cref="FlowSizes"/> is set, the packet stream is cut
/// into flows whose sizes are drawn from that CDF, each flow to a newly chosen destination.
/// </summary>
public sealed record GeneratorSettings(
    int Index,
    GeneratorKind Kind,
    IReadOnlyList<int> Hosts,
    DataRate Rate,
    int PacketBytes,
    SizeDistribution SizeDistribution,
    DestinationPattern Destination,
    int TargetHost,
    FlowSizeCdf? FlowSizes,
    long StartPs,
    long StopPs,
    OnOffSettings OnOff,
    RequestResponseSettings RequestResponse);

/// <summary>On and off period lengths of an on/off source; during "on" it sends at the generator rate.</summary>
public sealed record OnOffSettings(long OnPs, long OffPs, PeriodDistribution Periods);

/// <summary>
/// Requests leave the client as a Poisson process at the generator rate (request bits per second);
/// the server answers each after a service time with a response of <see cref="ResponseBytes"/>
/// (or a size drawn from <see cref="ResponseSizes"/>), cut into packets of the generator's packet size.
/// </summary>
public sealed record RequestResponseSettings(
    int RequestBytes,
    long ResponseBytes,
    FlowSizeCdf? ResponseSizes,
    long ServiceTimePs,
    PeriodDistribution ServiceDistribution);

/// <summary>How the run is split into partitions; "auto" is one per cluster node.</summary>
public sealed record KernelSettings(int Partitions, long ProgressIntervalPs);
