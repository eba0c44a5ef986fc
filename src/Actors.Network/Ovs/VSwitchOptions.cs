using DcSim.ActorsNetwork.FlowCache;
using DcSim.SimCore.Scenario;

namespace DcSim.ActorsNetwork.Ovs;

public enum VSwitchDatapath { Kernel, Netdev }

/// <summary>
/// An Open vSwitch in every server (scenario key topology.vswitch). Port 1 is the uplink (the NIC), port 2 the
/// host's own traffic. <see cref="RulesFile"/> is an `ovs-ofctl add-flows` file (path as written, relative to
/// the scenario's directory); empty means two rules forwarding between ports 1 and 2. <see cref="Kernel"/> and
/// <see cref="Netdev"/> are the cache sizes and cycle costs of both datapaths; <see cref="Datapath"/> picks one.
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
    long RevalidatePeriodPs,
    long MaxIdleOverLimitPs,
    long CyclesPerRevalidatedFlow,
    DatapathCosts Kernel,
    DatapathCosts Netdev)
{
    private static readonly Lazy<VSwitchOptions> FromReference =
        new(() => ScenarioDefaults.Read((root, context) =>
            ScenarioVSwitchReader.ReadVSwitch(context, root.Child("topology").Child("vswitch"), root.Child("topology").Child("host-cpu"), null)!));

    /// <summary>The defaults of reference.conf (topology.vswitch), read once: no vSwitch, the kernel datapath.</summary>
    public static VSwitchOptions Defaults => FromReference.Value;

    /// <summary>The datapath this vSwitch runs: its costs, the flow limit, the upcall queue and (netdev only) the EMC insertion.</summary>
    public DatapathProfile Profile => Datapath == VSwitchDatapath.Netdev
        ? new DatapathProfile(DatapathKind.Netdev, FlowLimit, MaskCacheEntries: 0, Netdev.EmcEntries, EmcInsertInverseProbability, UpcallQueue,
            Netdev.CyclesPerPacket, Netdev.CyclesPerEmcLookup, Netdev.CyclesPerMaskProbe, Netdev.CyclesPerUpcall, Netdev.CyclesPerInstall)
        : new DatapathProfile(DatapathKind.Kernel, FlowLimit, Kernel.MaskCacheEntries, EmcEntries: 0, EmcInsertInverseProbability: 0, UpcallQueue,
            Kernel.CyclesPerPacket, CyclesPerEmcLookup: 0, Kernel.CyclesPerMaskProbe, Kernel.CyclesPerUpcall, Kernel.CyclesPerInstall);

    /// <summary>Rule changes every server's vSwitch applies at given virtual times, in list order (empty by default).</summary>
    public IReadOnlyList<RuleChange> RuleChanges { get; init; } = [];

    /// <summary>Value equality, the rule changes compared element by element (a record compares lists by reference).</summary>
    public bool Equals(VSwitchOptions? other) =>
        other is not null && Enabled == other.Enabled && Datapath == other.Datapath && RulesFile == other.RulesFile
        && DatapathCores == other.DatapathCores && HandlerCores == other.HandlerCores && FlowLimit == other.FlowLimit
        && EmcInsertInverseProbability == other.EmcInsertInverseProbability && UpcallQueue == other.UpcallQueue
        && MaxIdlePs == other.MaxIdlePs && RevalidatePeriodPs == other.RevalidatePeriodPs
        && MaxIdleOverLimitPs == other.MaxIdleOverLimitPs && CyclesPerRevalidatedFlow == other.CyclesPerRevalidatedFlow
        && Kernel == other.Kernel && Netdev == other.Netdev && RuleChanges.SequenceEqual(other.RuleChanges);

    public override int GetHashCode() => HashCode.Combine(Enabled, Datapath, RulesFile, FlowLimit, RuleChanges.Count);
}

/// <summary>
/// Cache sizes and cycle costs of one datapath (topology.vswitch.kernel or .netdev); a cache or a cost the
/// datapath does not have (the kernel's EMC, netdev's mask cache) is 0.
/// </summary>
public sealed record DatapathCosts(
    int MaskCacheEntries,
    int EmcEntries,
    long CyclesPerPacket,
    long CyclesPerEmcLookup,
    long CyclesPerMaskProbe,
    long CyclesPerUpcall,
    long CyclesPerInstall);

public enum RuleChangeKind { Add, Delete, DeleteStrict }

/// <summary>
/// One change to the vSwitch rules at virtual time <see cref="AtPs"/>, as `ovs-ofctl add-flow`,
/// `del-flows` or `del-flows --strict` would make it; <see cref="Rule"/> is in `ovs-ofctl` syntax
/// (a whole rule with actions for Add; a match, with priority for DeleteStrict, for the deletes).
/// </summary>
public sealed record RuleChange(long AtPs, RuleChangeKind Kind, string Rule);
