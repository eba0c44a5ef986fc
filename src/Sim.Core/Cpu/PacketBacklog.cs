namespace DcSim.SimCore.Cpu;

/// <summary>
/// The unfinished items of one queue of work (a core, a vCPU) by completion time, in order: how full its packet backlog
/// (a NIC ring, netdev_max_backlog, a virtqueue) is at a given time.
/// </summary>
public sealed class PacketBacklog(int capacity)
{
    // Made by the first item: a server has a backlog per core and per NIC queue, and an idle one fills none (docs/benchmarks.md).
    private Queue<long>? _ends;

    /// <summary>An item that holds a place until <paramref name="end"/>.</summary>
    public void Add(long end) => (_ends ??= new Queue<long>()).Enqueue(end);

    /// <summary>Whether <paramref name="capacity"/> items are still unfinished at <paramref name="now"/>.</summary>
    public bool IsFull(long now)
    {
        if (_ends is null) return false;
        while (_ends.Count > 0 && _ends.Peek() <= now) _ends.Dequeue();
        return _ends.Count >= capacity;
    }

    /// <summary>One backlog per queue, or null when <paramref name="capacity"/> is 0 (unbounded).</summary>
    public static PacketBacklog[]? For(int queues, int capacity)
    {
        if (capacity <= 0) return null;
        var backlogs = new PacketBacklog[queues];
        for (var i = 0; i < queues; i++) backlogs[i] = new PacketBacklog(capacity);
        return backlogs;
    }
}
