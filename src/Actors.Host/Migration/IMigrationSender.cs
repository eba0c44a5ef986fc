using DcSim.SimCore.Components;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// The source's side of a stream that carries a move's state to its destination (a VM's memory, a container's CRIU image): what the
/// destination's stream receiver needs to tell it, by the control message <see cref="MigrationAgent.Delivered"/>, that everything it asked
/// to send has arrived.
/// </summary>
internal interface IMigrationSender
{
    int MigrationIndex { get; }
    int Destination { get; }
    /// <summary>Bytes the move has asked the stream to carry so far.</summary>
    long Requested { get; }
    ComponentLp Owner { get; }
    ushort Index { get; }
}
