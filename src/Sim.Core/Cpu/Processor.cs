namespace DcSim.SimCore.Cpu;

/// <summary>
/// Where a piece of data-plane work runs: a set of host cores, or a VM's vCPUs (threads that themselves run on
/// host cores). Components charge their steps here and pass the packet on at the time the work completes.
/// </summary>
public abstract class Processor
{
    /// <summary>
    /// Runs <paramref name="cycles"/> of work for a packet of flow hash <paramref name="flowHash"/> (which picks the core
    /// the way RSS or a scheduler would), queued behind the work already there; returns when it completes.
    /// </summary>
    /// <param name="newItem">
    /// False for work that continues the previous item for the same packet (its application's part after the kernel's):
    /// it does not take another place in the backlog.
    /// </param>
    public abstract long Run(long now, long cycles, CpuCategory category, uint flowHash, bool newItem = true);

    /// <summary>
    /// Whether the core a packet of <paramref name="flowHash"/> would run on has more queued work than its backlog holds:
    /// a packet arriving then is dropped where it arrives (a full NIC ring, netdev backlog or virtqueue), instead of
    /// queueing without bound behind a saturated core.
    /// </summary>
    public abstract bool Overloaded(long now, uint flowHash);

    /// <summary>When the core (or vCPU) a packet of <paramref name="flowHash"/> would run on has finished the work queued on it.</summary>
    public abstract long FreeAt(uint flowHash);

    /// <summary>Runs one step's cost for a packet of <paramref name="bytes"/>; a free step completes at once.</summary>
    public long Run(long now, StepCost cost, int bytes, CpuCategory category, uint flowHash, bool newItem = true) =>
        cost.IsFree ? now : Run(now, cost.Cycles(bytes), category, flowHash, newItem);
}

/// <summary>
/// A contiguous set of a server's cores on which kernel work is spread by flow hash, as receive-side scaling
/// spreads a NIC's queues over cores: every packet of a flow lands on the same core, in order.
/// </summary>
public sealed class HostCores : Processor
{
    private readonly ServerCpu _cpu;
    private readonly int _first;
    private readonly int _count;

    public HostCores(ServerCpu cpu, int first = 0, int count = -1)
    {
        if (count < 0) count = cpu.Cores - first;
        if (first < 0 || count < 1 || first + count > cpu.Cores)
            throw new ArgumentOutOfRangeException(nameof(count), $"cores {first}..{first + count - 1} are not all on a {cpu.Cores}-core server");
        _cpu = cpu;
        _first = first;
        _count = count;
    }

    /// <summary>The core RSS gives the hash; a core dedicated to a polling thread (isolated) passes its share to the next one.</summary>
    public int CoreFor(uint flowHash)
    {
        var rss = _first + (int)(flowHash % (uint)_count);
        for (var i = 0; i < _count; i++)
        {
            var core = _first + (rss - _first + i) % _count;
            if (!_cpu.IsPolling(core)) return core;
        }
        return rss; // every core polls: the polling threads' own work (a vhost-user backend on the PMDs)
    }

    public override long Run(long now, long cycles, CpuCategory category, uint flowHash, bool newItem = true) =>
        _cpu.Run(CoreFor(flowHash), now, cycles, category, newItem);

    public override bool Overloaded(long now, uint flowHash) => _cpu.Overloaded(CoreFor(flowHash), now);

    public override long FreeAt(uint flowHash) => _cpu.FreeAt(CoreFor(flowHash));
}
