using DcSim.SimCore.Wire;

namespace DcSim.ActorsHost.Migration;

/// <summary>
/// What a move's source tells the destination's <see cref="MigrationDesk"/> in a control message: which migration, a value (a time or a
/// byte count, by the message's code), and where its agent is — the server and the agent's component index — for the answers.
/// </summary>
internal readonly record struct MigrationNotice(int Migration, long Value, int SourceServer, ushort SourceAgent)
{
    /// <summary>No message: nothing to learn about the source.</summary>
    public static readonly MigrationNotice None = new(-1, 0, -1, 0);

    public Packet ToPacket() => new() { Sequence = Migration, CreatedAt = Value, SourceEndpoint = SourceServer, DestinationEndpoint = SourceAgent };

    public static MigrationNotice Read(in Packet details) =>
        new(details.Sequence, details.CreatedAt, details.SourceEndpoint, checked((ushort)details.DestinationEndpoint));
}
