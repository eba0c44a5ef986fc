namespace DcSim.SimCore.Checkpoints;

/// <summary>
/// The state of one entity of the model (a guest moving to a server in another process) as bytes, and back: the object graph
/// reachable from its root, cut at a boundary the caller draws. What lies beyond the boundary (the LP the entity lived in, the
/// server's shared parts) is written as a token and bound, on reading, to the receiver's own object for that token.
/// </summary>
/// <remarks>
/// Same codec, compression and build check as <see cref="PartitionCheckpoint"/> (docs/checkpoints.md), with a header of its own: a
/// partition checkpoint is not taken for an entity's state, nor the other way round. The boundary and the resolver run on the
/// codec's own thread (it needs a deep stack), one call at a time.
/// </remarks>
public static class EntityState
{
    /// <summary>The token that means "write nothing, read back null".</summary>
    public const string Drop = "";

    private static readonly CompressedGraph Format = new("DCSIMES1"u8.ToArray(), "entity state");

    /// <summary>Writes the graph reachable from <paramref name="root"/>.</summary>
    /// <param name="boundary">
    /// Called once for every object the graph reaches (the root excepted), before it is written: null writes the object as usual; a
    /// token writes the token instead of the object's content (later references to the object refer to the token's object), and
    /// <see cref="Drop"/> writes nothing. An exception it throws becomes a <see cref="CheckpointException"/> that names the field the
    /// object was reached through.
    /// </param>
    public static byte[] Save(object root, Func<object, string?> boundary) => Format.Write(root, boundary, out _, out _);

    /// <summary>Rebuilds what <see cref="Save"/> wrote; a blob that is damaged or from another build is a <see cref="CheckpointException"/>.</summary>
    /// <param name="resolve">
    /// The object that stands for a token, called once for each object the boundary replaced (never for <see cref="Drop"/>): every
    /// reference to that object gets it. It may be null. A delegate bound to an object read back as null is itself read back as null.
    /// </param>
    public static object Load(byte[] bytes, Func<string, object?> resolve) => Format.Read(bytes, resolve);
}
