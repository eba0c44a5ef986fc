namespace DcSim.SimCore.Kernel;

/// <summary>
/// Bytes sent to LP <paramref name="Lp"/> under <paramref name="Key"/>, a key the model chooses, unique per receiving LP while the
/// parcel waits there: state too large or too irregular for an event's packet (a guest moving to another server, serialized), sent
/// with the events of a window (<see cref="LogicalProcess.SendParcel"/>).
/// </summary>
public readonly record struct Parcel(int Lp, long Key, byte[] Bytes);
