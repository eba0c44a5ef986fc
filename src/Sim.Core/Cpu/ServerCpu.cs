namespace DcSim.SimCore.Cpu;

/// <summary>
/// The cores of one server: each is a FIFO server of work items measured in cycles.
/// </summary>
/// <remarks>
/// Models DESIGN §3's "work queues for a core; busy cores add latency and cap throughput". A work item
/// submitted at time t on core c starts when the core is free (no earlier than t), runs for
/// cycles / clock, and the caller schedules whatever depends on it at the returned completion time.
/// Busy time is accounted per core and per <see cref="CpuCategory"/>. A core can also be dedicated to a
/// busy-polling thread (a DPDK PMD): it is then 100 % busy in its category for the whole run, whether
/// or not it has packets, which is how OVS-DPDK spends its cores. Owned by one LP: not thread-safe.
/// Picosecond conversion is exact for clock rates that divide 10^12 (1, 2, 2.5, 4 GHz ...), rounded up
/// otherwise.
/// </remarks>
public sealed class ServerCpu
{
    private readonly CpuModel _model;
    // What the cores did (when each is free, cycles and busy time per category, backlogs, polling cores, idle exits, boot cycles) is
    // made by the first work or polling thread: an idle server of a 10,000-host fabric holds none of it (docs/benchmarks.md,
    // "Issue 14: an idle host under 1 KB").
    private CoreWork? _work;

    /// <param name="idleExitPs">
    /// Latency for a core that has been idle for at least <paramref name="idleThresholdPs"/> to run again: the exit
    /// from the C-state it went to. 0 = no C-states. The exit delays the work; it is not busy time.
    /// </param>
    /// <param name="maxBacklog">The most work items a core holds queued or running (0: unbounded); see <see cref="Overloaded"/>.</param>
    public ServerCpu(int cores, long clockHz, long idleExitPs = 0, long idleThresholdPs = 0, int maxBacklog = 0)
        : this(new CpuModel(cores, clockHz, idleExitPs, idleThresholdPs, maxBacklog))
    {
    }

    /// <param name="model">The cores, clock and limits, shared by the servers built alike.</param>
    public ServerCpu(CpuModel model) => _model = model;

    public int Cores => _model.Cores;

    /// <summary>The most work items a core holds queued or running (0: unbounded): a packet backlog's length.</summary>
    public int MaxBacklog => _model.MaxBacklog;

    /// <summary>
    /// Whether <paramref name="core"/> holds <see cref="MaxBacklog"/> unfinished work items at <paramref name="now"/>: a packet
    /// arriving for it finds the backlog (a NIC ring, netdev_max_backlog) full.
    /// </summary>
    public bool Overloaded(int core, long now) => _work?.Backlogs?[core]?.IsFull(now) == true;

    /// <summary>Work items that found their core asleep in a C-state.</summary>
    public long IdleExits => _work?.IdleExits ?? 0;
    public long ClockHz => _model.ClockHz;

    /// <summary>Duration of <paramref name="cycles"/> at this clock, rounded up to a whole picosecond.</summary>
    public long CyclesToPs(long cycles) => (long)(((Int128)cycles * 1_000_000_000_000 + ClockHz - 1) / ClockHz);

    private CoreWork Work => _work ??= new CoreWork(Cores);

    /// <summary>
    /// Runs <paramref name="cycles"/> of work on <paramref name="core"/>, queued behind what the core already
    /// has; returns the virtual time at which the work completes.
    /// </summary>
    public long Run(int core, long now, long cycles, CpuCategory category, bool newItem = true)
    {
        if (cycles < 0) throw new ArgumentOutOfRangeException(nameof(cycles), cycles, "work cannot take negative cycles");
        var work = Work;
        var freeAt = work.FreeAt;
        var start = Math.Max(now, freeAt[core]);
        if (_model.IdleExitPs > 0 && !IsPolling(core) && now - freeAt[core] >= _model.IdleThresholdPs)
        {
            start = now + _model.IdleExitPs;
            work.IdleExits++;
        }
        var duration = CyclesToPs(cycles);
        freeAt[core] = start + duration;
        // A packet holds its backlog place until the kernel's item for it is done; what follows for it (the application's
        // part) runs after and holds none.
        if (newItem && MaxBacklog > 0) ((work.Backlogs ??= new PacketBacklog?[Cores])[core] ??= new PacketBacklog(MaxBacklog)).Add(start + duration);
        work.Cycles[(int)category] += cycles;
        if (!IsPolling(core)) work.Busy[core, (int)category] += duration;
        return start + duration;
    }

    /// <summary>
    /// Accounts work that runs beside the packet path without queueing it (a VM's boot, whose time the caller models as
    /// processor sharing): busy time and cycles grow, the core's queue does not.
    /// </summary>
    public void Account(int core, long cycles, CpuCategory category)
    {
        var work = Work;
        work.Cycles[(int)category] += cycles;
        if (!IsPolling(core)) work.Busy[core, (int)category] += CyclesToPs(cycles);
    }

    /// <summary>Cycles of VM boots (firmware, kernel, init), included in their category: what per-packet figures leave out.</summary>
    public long BootCycles => _work?.BootCycles ?? 0;

    /// <summary>Accounts a boot's CPU work in <paramref name="category"/> and in <see cref="BootCycles"/>.</summary>
    public void AccountBoot(int core, long cycles, CpuCategory category)
    {
        Account(core, cycles, category);
        Work.BootCycles += cycles;
    }

    /// <summary>Starts a new accounting period: busy time and cycles restart from zero, queued work stays queued.</summary>
    public void ResetAccounting()
    {
        if (_work is not { } work) return;
        Array.Clear(work.Busy);
        Array.Clear(work.Cycles);
        work.BootCycles = 0;
    }

    /// <summary>Time at which <paramref name="core"/> has finished everything queued on it.</summary>
    public long FreeAt(int core) => _work?.FreeAt[core] ?? 0;

    /// <summary>The core with the least queued work at <paramref name="now"/> (lowest index on ties).</summary>
    public int LeastLoaded(long now, int firstCore = 0, int count = -1)
    {
        if (count < 0) count = Cores - firstCore;
        // Cores dedicated to polling threads are isolated (isolcpus): other work goes there only when the range has no other.
        int best = -1, bestPolling = -1;
        for (var c = firstCore; c < firstCore + count; c++)
        {
            ref var candidate = ref IsPolling(c) ? ref bestPolling : ref best;
            if (candidate < 0 || Math.Max(now, FreeAt(c)) < Math.Max(now, FreeAt(candidate))) candidate = c;
        }
        return best >= 0 ? best : bestPolling;
    }

    /// <summary>Whether <paramref name="core"/> runs a busy-polling thread (<see cref="DedicateToPolling"/>).</summary>
    public bool IsPolling(int core) => _work?.Polling?[core] is not null;

    /// <summary>Dedicates a core to a busy-polling thread: it counts as fully busy in <paramref name="category"/>.</summary>
    public void DedicateToPolling(int core, CpuCategory category)
    {
        var work = Work;
        (work.Polling ??= new CpuCategory?[Cores])[core] = category;
    }

    /// <summary>Cycles of useful work submitted per category (polling cores' idle spinning excluded).</summary>
    public long CyclesIn(CpuCategory category) => _work?.Cycles[(int)category] ?? 0;

    /// <summary>Busy time of a core in a category over a run of <paramref name="durationPs"/>.</summary>
    public long BusyPs(int core, CpuCategory category, long durationPs) =>
        _work?.Polling?[core] is { } polled ? (polled == category ? durationPs : 0) : _work is null ? 0 : Math.Min(_work.Busy[core, (int)category], durationPs);

    /// <summary>Share of the server's total core time busy in <paramref name="category"/> (0..1).</summary>
    public double Utilisation(CpuCategory category, long durationPs)
    {
        if (durationPs <= 0) return 0;
        long busy = 0;
        for (var c = 0; c < Cores; c++) busy += BusyPs(c, category, durationPs);
        return (double)busy / ((double)durationPs * Cores);
    }

    /// <summary>What the cores have done so far; see <see cref="_work"/>.</summary>
    private sealed class CoreWork(int cores)
    {
        public readonly long[] FreeAt = new long[cores];
        public readonly long[,] Busy = new long[cores, CpuCategories.All.Length];
        public readonly long[] Cycles = new long[CpuCategories.All.Length];
        public CpuCategory?[]? Polling;
        public PacketBacklog?[]? Backlogs;
        public long IdleExits;
        public long BootCycles;
    }
}
