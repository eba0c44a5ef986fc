using DcSim.SimCore.Kernel;

namespace DcSim.SimCore.Wire;

/// <summary>
/// One port of a <see cref="SwitchPorts"/> (<see cref="LinkPort"/> for the physics): what only a queued, judged or captured frame and
/// the reports need, its per-frame state in its table.
/// </summary>
public sealed class SwitchPort : LinkPort
{
    private readonly SwitchPorts _table;

    internal SwitchPort(SwitchPorts table, LogicalProcess owner, PortProfile profile, int index, (int Lp, int Port) peer, EcnMarking? ecn,
        ulong seed, long traceIntervalPs)
        : base(owner, profile, index, ecn, seed, traceIntervalPs)
    {
        _table = table;
        State = Initial(peer);
    }

    private protected override ref PortState State => ref _table.StateOf(Index);
    private protected override LogicalProcess Owner => _table.Owner;
    private protected override PortProfile Profile => _table.ProfileOf(Index);
}
