using DcSim.SimCore.Metrics;
using DcSim.SimCore.Wire;

namespace DcSim.SimCore.Kernel;

/// <summary>
/// A logical process: one physical server or one fabric switch, with all its state.
/// </summary>
/// <remarks>
/// An LP is the unit of placement and of ordering. Its events are handled strictly in
/// (time, source LP, source sequence) order; it changes its own state only, and affects other LPs
/// only by <see cref="Send"/>ing them events at least one lookahead in the future (a frame's
/// serialization plus propagation). Every sequence number it hands out comes from its own counter,
/// so the events it creates, and their order keys, are the same on any partitioning of the model.
/// An LP is driven by the <see cref="Partition"/> that hosts it: the partition's actor is the
/// Akka.NET actor that owns it (see docs/kernel.md for why LPs are not one actor each).
/// </remarks>
public abstract class LogicalProcess(int id, string name)
{
    private long _nextSequence;
    private Partition? _partition;

    public int Id { get; } = id;
    public string Name { get; } = name;

    /// <summary>Events this LP has handled.</summary>
    public long EventsProcessed { get; internal set; }

    /// <summary>Time of the last event handled: the LP's local clock.</summary>
    public long Now { get; internal set; }

    internal Partition Partition => _partition ?? throw new InvalidOperationException($"LP {Name} is not attached to a partition");

    internal void Attach(Partition partition) => _partition = partition;

    /// <summary>Called once before the first window: schedule the initial events.</summary>
    public virtual void Start() { }

    public abstract void Handle(ref SimEvent e);

    /// <summary>Adds this LP's counters (flows, links, drops, packets still held at <paramref name="endTime"/>) to the results.</summary>
    public abstract void Report(ResultsBuilder results, long endTime);

    /// <summary>
    /// The LP's server counters (CPU, vSwitch) as they stand now, for queries while a run is going on;
    /// null for LPs that are not servers. Called by the owning actor between windows only.
    /// </summary>
    public virtual ServerStats? Snapshot() => null;

    /// <summary>Schedules an event for this LP itself. Delays are never negative.</summary>
    public void ScheduleSelf(long time, int kind, int arg, in Packet packet = default)
    {
        if (time < Now) throw new InvalidOperationException($"LP {Name} scheduled an event at {time} ps, before its clock {Now} ps");
        var e = new SimEvent { Time = time, Order = SimEvent.MakeOrder(Id, _nextSequence++), Lp = Id, Kind = kind, Arg = arg, Packet = packet };
        Partition.EnqueueLocal(in e);
    }

    /// <summary>Sends an event to another LP (possibly in another partition or process).</summary>
    public void Send(int targetLp, long time, int kind, int arg, in Packet packet)
    {
        var e = new SimEvent { Time = time, Order = SimEvent.MakeOrder(Id, _nextSequence++), Lp = targetLp, Kind = kind, Arg = arg, Packet = packet };
        Partition.Route(in e);
    }
}
