using DcSim.SimCore.Kernel;

namespace DcSim.SimCore.Wire;

/// <summary>
/// An LP whose ports are a <see cref="SwitchPorts"/> (a switch): they do not register one by one among its
/// <see cref="LogicalProcess.OutputPorts"/>, so the partition finds them here for names, captures and snapshots.
/// </summary>
public interface ISwitchPortOwner
{
    IReadOnlyList<SwitchPort> Ports { get; }
}
