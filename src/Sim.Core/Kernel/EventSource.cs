using System.Runtime.CompilerServices;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// What creates events, for the order key of DESIGN §1: an LP, or an entity inside one (a VM, a container)
/// that has its own event order so that it keeps it when it moves to another LP, partition or process.
/// </summary>
/// <remarks>
/// Ties at one virtual time are broken by (source id, source sequence). A source's sequence only grows with
/// the events it creates, in the order it creates them, so the keys do not depend on where the source runs —
/// only on what it did. Ids are unique over the model: LPs take 0..LpCount-1, entities the ids after them.
/// An LP is its own source (<see cref="LogicalProcess"/> derives from this): a separate object per LP was 40 B of every idle host.
/// </remarks>
public class EventSource
{
    /// <summary>Ids must fit the order key beside the sequence and keep it positive.</summary>
    public const int MaxSources = 1 << (63 - SimEvent.SequenceBits);

    private long _next;

    public EventSource(int id)
    {
        if (id < 0 || id >= MaxSources) throw new ArgumentOutOfRangeException(nameof(id), id, $"event source ids run from 0 to {MaxSources - 1}");
        Id = id;
    }

    public int Id { get; }

    /// <summary>Events created so far (what a checkpoint or a migration carries along).</summary>
    public long Created => _next;

    /// <summary>The order key of the next event this source creates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long NextOrder() => SimEvent.MakeOrder(Id, _next++);
}
